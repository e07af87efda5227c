import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/pipeline-function';
import { type Synthesized, synthPipeline } from './synth';

/**
 * Bundles the real handler entries with esbuild, as `cdk synth`/`cdk deploy` do. Slower than the
 * template tests (esbuild runs three times), so it lives in its own file.
 */
let synth: Synthesized;
// Inside the repository (test-artifacts/ is git-ignored) so the bundles resolve the external
// @aws-sdk packages from node_modules, as they resolve them from the Lambda runtime on AWS.
fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
const outdir = fs.mkdtempSync(path.join(REPO_ROOT, 'test-artifacts', 'cdk-bundle-'));
beforeAll(() => {
  synth = synthPipeline({ bundle: true, outdir });
}, 120_000);
afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** The asset directory of the function whose Powertools service name is `service`. */
function assetDirOf(service: string): string {
  const functions = synth.template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
  });
  const fn = Object.values(functions)[0] as { Properties: { Code: { S3Key: string } } };
  // Assets are staged as asset.<hash>/ next to the template; the S3 key is <hash>.zip.
  const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
  return path.join(synth.outdir, `asset.${hash}`);
}

describe('Lambda bundles', () => {
  it.each(['news-discover', 'news-crawl', 'news-query'])('%s: one ESM file exporting handler', (service) => {
    const dir = assetDirOf(service);
    expect(fs.readdirSync(dir)).toEqual(['index.mjs']);
    const code = fs.readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    // ESM output: an export list naming `handler`, and the createRequire shim for CJS dependencies.
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code.startsWith("import { createRequire as __pipelineCreateRequire } from 'node:module';")).toBe(true);
    // The AWS SDK comes from the runtime, so no SDK client code is bundled.
    expect(code).not.toMatch(/@aws-sdk\/client-s3\/dist-es/);
  });

  it.each(['news-discover', 'news-crawl', 'news-query'])('%s: the bundle loads in Node and exports a handler function', (service) => {
    const entry = path.join(assetDirOf(service), 'index.mjs');
    // A fresh Node process: module-level code runs as in a Lambda cold start (no network needed),
    // which catches ESM/CommonJS interop failures such as "Dynamic require of ... is not supported".
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`],
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
  });

  it('asset files are referenced by the template', () => {
    for (const service of ['news-discover', 'news-crawl', 'news-query']) {
      expect(fs.existsSync(assetDirOf(service))).toBe(true);
    }
  });
});
