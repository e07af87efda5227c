import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/pipeline-function';

/**
 * Runs the real `cdk synth` (cdk.json -> infra/app.ts -> esbuild bundles -> cdk-nag plugins), the
 * command `npm run synth` runs, with no AWS credentials, then inspects the cloud assembly. Slower
 * than the template tests (esbuild runs four times), so it lives in its own file.
 */
// Inside the repository (test-artifacts/ is git-ignored) so the bundles resolve the external
// @aws-sdk packages from node_modules, as they resolve them from the Lambda runtime on AWS.
fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
const outdir = fs.mkdtempSync(path.join(REPO_ROOT, 'test-artifacts', 'cdk-synth-'));
let template: Template;
let synthOutput: string;

beforeAll(() => {
  const env: Record<string, string | undefined> = { ...process.env };
  // Prove that synth needs no account: no credentials, no profile, no instance metadata lookups.
  for (const name of Object.keys(env)) if (/^AWS_/.test(name)) delete env[name];
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.AWS_CONFIG_FILE = '/dev/null';
  env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
  // No network: no notices refresh, no CLI telemetry (cdk.json also switches both off).
  env.CDK_DISABLE_CLI_TELEMETRY = 'true';
  synthOutput = execFileSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '--output', outdir],
    {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  template = Template.fromJSON(
    JSON.parse(fs.readFileSync(path.join(outdir, 'NewsPipeline-dev.template.json'), 'utf8')),
  );
}, 180_000);
afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** The asset directory of the function whose Powertools service name is `service`. */
function assetDirOf(service: string): string {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
  });
  const fn = Object.values(functions)[0] as { Properties: { Code: { S3Key: string } } };
  // Assets are staged as asset.<hash>/ next to the template; the S3 key is <hash>.zip.
  const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
  return path.join(outdir, `asset.${hash}`);
}

describe('cdk synth (the CLI, as npm run synth)', () => {
  it('synthesizes the dev stage without credentials, with cdk-nag acknowledgments in the template', () => {
    expect(synthOutput).not.toMatch(/AwsSolutions-|Serverless-/);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
      Metadata?: Record<string, any>;
    }>;
    const acknowledged = policies.flatMap((p) => p.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const rule of acknowledged) expect(rule.reason.length).toBeGreaterThan(40);
  });
});

describe('Lambda bundles', () => {
  it.each(['news-discover', 'news-crawl', 'news-reprocess', 'news-query'])(
    '%s: one ESM file exporting handler',
    (service) => {
      const dir = assetDirOf(service);
      expect(fs.readdirSync(dir)).toEqual(['index.mjs']);
      const code = fs.readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      // ESM output: an export list naming `handler`, and the createRequire shim for CJS dependencies.
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(code.startsWith("import { createRequire as __pipelineCreateRequire } from 'node:module';")).toBe(
        true,
      );
      // The AWS SDK comes from the runtime, so no SDK client code is bundled.
      expect(code).not.toMatch(/@aws-sdk\/client-s3\/dist-es/);
    },
  );

  it.each(['news-discover', 'news-crawl', 'news-reprocess', 'news-query'])(
    '%s: the bundle loads in Node and exports a handler function',
    (service) => {
      const entry = path.join(assetDirOf(service), 'index.mjs');
      // A fresh Node process: module-level code runs as in a Lambda cold start (no network needed),
      // which catches ESM/CommonJS interop failures such as "Dynamic require of ... is not supported".
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`,
        ],
        {
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            TABLE_NAME: 'news-index-test',
            BUCKET_NAME: 'news-archive-test',
            CRAWL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/crawl',
            SOURCES_URI: 's3://news-archive-test/config/sources.yaml',
            POWERTOOLS_SERVICE_NAME: service,
            POWERTOOLS_METRICS_NAMESPACE: 'NewsPipeline',
          },
        },
      );
      expect(out.trim()).toBe('function');
    },
  );

  it('asset files are referenced by the template', () => {
    for (const service of ['news-discover', 'news-crawl', 'news-reprocess', 'news-query']) {
      expect(fs.existsSync(assetDirOf(service))).toBe(true);
    }
  });
});
