import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthPipeline } from './synth';

/**
 * Bundles the real handler entries with esbuild, as `cdk synth`/`cdk deploy` do. Slower than the
 * template tests (esbuild runs three times), so it lives in its own file.
 */
let synth: Synthesized;
beforeAll(() => {
  synth = synthPipeline({ bundle: true });
}, 120_000);

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

  it('asset files are referenced by the template', () => {
    for (const service of ['news-discover', 'news-crawl', 'news-query']) {
      expect(fs.existsSync(assetDirOf(service))).toBe(true);
    }
  });
});
