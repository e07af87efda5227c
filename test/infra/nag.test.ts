import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { NewsPipelineStack } from '../../infra/news-pipeline-stack';
import { resolveSettings } from '../../infra/settings';
import { cdkJsonContext, nagFindings, type Synthesized, synthPipeline, VARIANT_CONTEXT } from './synth';

/**
 * cdk-nag 3 runs as a CDK validation plugin: findings are reported by the plugin (and fail
 * `app.synth()`), not as construct annotations, so `Annotations.fromStack(...)` would see none.
 * These tests run the packs directly and through the app as app.ts does.
 */
describe('cdk-nag AwsSolutions and Serverless packs', () => {
  let defaultSynth: Synthesized;
  let variantSynth: Synthesized;
  beforeAll(() => {
    defaultSynth = synthPipeline();
    variantSynth = synthPipeline({ context: VARIANT_CONTEXT });
  });

  it('report no unacknowledged error or warning for the default (dev) stack', () => {
    expect(nagFindings(defaultSynth)).toEqual([]);
  });

  it('report none for a prod stack with every optional feature switched', () => {
    expect(nagFindings(variantSynth)).toEqual([]);
  });

  it('report none for the steady stage (provisioned capacity with auto scaling, spread discovery)', () => {
    expect(nagFindings(synthPipeline({ context: { stage: 'steady' } }))).toEqual([]);
  });

  it('see a finding when there is one (the packs are not silently off)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Control');
    new s3.Bucket(stack, 'Insecure', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    const rules = new AwsSolutionsChecks(app).validateScope(stack).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  it('fail app synthesis through Validations.of(app).addPlugins, as infra/app.ts registers them', () => {
    const makeApp = () => {
      const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
      const settings = resolveSettings((key) => app.node.tryGetContext(key));
      const stack = new NewsPipelineStack(app, 'NewsPipeline-dev', { settings });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
      return { app, stack };
    };
    // Our stack passes...
    expect(() => makeApp().app.synth()).not.toThrow();
    // ...and the same app with one unacknowledged finding does not.
    const { app, stack } = makeApp();
    new s3.Bucket(stack, 'UnloggedBucket', { enforceSSL: true });
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it.each(['default', 'variant'])(
    'every acknowledgment silences a finding that really occurs in its subtree (%s stack)',
    (which) => {
      const synth = which === 'default' ? defaultSynth : variantSynth;
      // Raw findings: the same packs with acknowledgments ignored.
      const raw: Array<{ rule: string; path: string }> = [];
      for (const pack of [new AwsSolutionsChecks(synth.app), new ServerlessChecks(synth.app)]) {
        (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
        for (const v of pack.validateScope(synth.stack).violations) {
          for (const r of v.violatingResources) raw.push({ rule: v.ruleName, path: r.constructPath ?? '' });
        }
      }
      expect(raw.length).toBeGreaterThan(0);
      const stale: string[] = [];
      for (const node of synth.stack.node.findAll()) {
        for (const entry of node.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          for (const qualified of Object.keys(entry.data as Record<string, unknown>)) {
            const id = qualified.replace(/^annotation::/i, '');
            if (id.startsWith('CloudFormation-Validate')) continue; // reported by CDK's own validator
            const path = node.node.path;
            if (!raw.some((f) => f.rule === id && (f.path === path || f.path.startsWith(`${path}/`))))
              stale.push(`${path}: ${id}`);
          }
        }
      }
      expect(stale).toEqual([]);
    },
  );

  it('every acknowledgment names a rule id and gives a reason', () => {
    const { stack } = defaultSynth;
    const acknowledgments: Array<{ id: string; reason: string }> = [];
    for (const node of stack.node.findAll()) {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
          acknowledgments.push({
            id,
            reason: String(typeof reason === 'object' ? JSON.stringify(reason) : reason),
          });
        }
      }
    }
    expect(acknowledgments.length).toBeGreaterThan(5);
    for (const a of acknowledgments) {
      expect(a.id).toMatch(/(AwsSolutions|Serverless|CloudFormation-Validate)/);
      expect(a.reason.length, a.id).toBeGreaterThan(40);
    }
  });
});
