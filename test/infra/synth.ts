import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { REPO_ROOT } from '../../infra/constructs/pipeline-function';
import { NewsPipelineStack } from '../../infra/news-pipeline-stack';
import { resolveSettings } from '../../infra/settings';

export interface SynthOptions {
  /** CDK context as given with `-c` (stage, settings overrides). */
  context?: Record<string, unknown>;
  /**
   * Bundle the real Lambda entries with esbuild (seconds). Off by default: template assertions do
   * not depend on the bundle, and the handlers are edited in parallel with the stack.
   */
  bundle?: boolean;
  /** Cloud assembly directory; defaults to a fresh temporary directory. */
  outdir?: string;
}

export interface Synthesized {
  app: App;
  stack: NewsPipelineStack;
  template: Template;
  outdir: string;
}

/** The `context` block of the repository's cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(REPO_ROOT, 'cdk.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context: Record<string, unknown> }).context;
}

/** Synthesizes the pipeline stack into a temporary cloud assembly, the way `cdk synth` would. */
export function synthPipeline(options: SynthOptions = {}): Synthesized {
  const outdir = options.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'news-pipeline-cdk-'));
  // The same feature flags and stage table as `cdk synth`, then the test's own overrides.
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...(options.context ?? {}) };
  // CDK's own switch: an empty list of stacks to bundle makes NodejsFunction skip esbuild.
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context });
  const settings = resolveSettings((key) => app.node.tryGetContext(key));
  const stack = new NewsPipelineStack(app, `NewsPipeline-${settings.stage}`, { settings });
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

/** One cdk-nag finding that was not acknowledged. */
export interface NagFinding {
  pack: string;
  rule: string;
  severity: string;
  paths: string[];
}

/** Runs the AwsSolutions and Serverless packs over the stack; returns unacknowledged findings. */
export function nagFindings(synth: Synthesized): NagFinding[] {
  const findings: NagFinding[] = [];
  for (const pack of [new AwsSolutionsChecks(synth.app), new ServerlessChecks(synth.app)]) {
    const report = pack.validateScope(synth.stack);
    for (const v of report.violations) {
      findings.push({
        pack: pack.name,
        rule: v.ruleName,
        severity: v.severity ?? 'unknown',
        paths: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '?'),
      });
    }
  }
  return findings;
}

/**
 * One non-default configuration exercising every optional switch, so each test file needs only
 * two synths (default and this). Values are strings, as `-c key=value` passes them.
 */
export const VARIANT_CONTEXT: Record<string, unknown> = {
  stage: 'prod',
  scheduleExpression: 'cron(0 */2 * * ? *)',
  scheduleTimeZone: 'Europe/Berlin',
  alarmEmail: 'ops@example.com',
  tracing: 'false',
  rawExpirationDays: '400',
  sourcesUri: 's3://shared-config-bucket/news/sources.yaml',
  extractionWatchHosts: 'www.example.com,news.example.org',
  perHostMetrics: 'watched',
  crawl: '{"memoryMb":2048,"maxConcurrency":20,"reservedConcurrency":null}',
  reprocess: '{"timeoutSeconds":600,"maxConcurrency":3,"reservedConcurrency":3}',
  fetch: '{"maxFetchAttempts":7}',
};
