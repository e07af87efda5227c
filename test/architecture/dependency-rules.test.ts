import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../..');
const depcruise = join(repoRoot, 'node_modules/.bin/depcruise');
const config = join(repoRoot, '.dependency-cruiser.cjs');

/** Runs depcruise with the project's rules over `dir` and returns its exit code and report. */
async function cruise(dir: string): Promise<{ code: number; report: string }> {
  try {
    const { stdout } = await run(depcruise, ['functions', '--config', config, '--output-type', 'err'], {
      cwd: dir,
    });
    return { code: 0, report: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, report: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  let violating: string;
  let clean: string;

  beforeAll(async () => {
    violating = await mkdtemp(join(tmpdir(), 'depcruise-violating-'));
    clean = await mkdtemp(join(tmpdir(), 'depcruise-clean-'));
    const shared = {
      'functions/ports/store.ts': 'export interface Store { get(key: string): Promise<string>; }\n',
      'functions/adapters/file-store.ts':
        "import { readFile } from 'node:fs/promises';\nimport type { Store } from '../ports/store';\n" +
        'export class FileStore implements Store { get(key: string) { return readFile(key, "utf8"); } }\n',
      'functions/core/pure.ts':
        "import { createHash } from 'node:crypto';\nexport const h = (s: string) => createHash('sha256').update(s).digest('hex');\n",
    };
    await writeTree(clean, {
      ...shared,
      'functions/pipeline/step.ts':
        "import type { Store } from '../ports/store';\nimport { h } from '../core/pure';\n" +
        'export const step = async (s: Store) => h(await s.get("k"));\n',
    });
    await writeTree(violating, {
      ...shared,
      // core reading a file, pipeline importing an adapter, query reaching into the pipeline.
      'functions/core/reads-file.ts':
        "import { readFileSync } from 'node:fs';\nexport const r = () => readFileSync('x');\n",
      'functions/pipeline/step.ts':
        "import { FileStore } from '../adapters/file-store';\nexport const step = () => new FileStore().get('k');\n",
      'functions/query/peek.ts': "import { step } from '../pipeline/step';\nexport const peek = step;\n",
      // a handler importing the CDK, a function importing infra.
      'functions/handlers/stacky.ts':
        "import { App } from 'aws-cdk-lib';\nexport const app = () => new App();\n",
      'infra/settings.ts': 'export const region = "eu-west-1";\n',
      'functions/handlers/settings.ts':
        "import { region } from '../../infra/settings';\nexport const r = region;\n",
    });
    // Packages resolve from the repository's node_modules, as in the real tree.
    await symlink(join(repoRoot, 'node_modules'), join(violating, 'node_modules'));
  });

  afterAll(async () => {
    await rm(violating, { recursive: true, force: true });
    await rm(clean, { recursive: true, force: true });
  });

  it('passes a tree that keeps the layering', async () => {
    const { code, report } = await cruise(clean);
    expect(report).not.toMatch(/error/);
    expect(code).toBe(0);
  });

  it('fails, naming each rule, on a tree that breaks it', async () => {
    const { code, report } = await cruise(violating);
    expect(code).not.toBe(0);
    expect(report).toMatch(/core-no-io: functions\/core\/reads-file\.ts → (node:)?fs/);
    expect(report).toMatch(
      /pipeline-sees-ports-only: functions\/pipeline\/step\.ts → functions\/adapters\/file-store\.ts/,
    );
    expect(report).toMatch(
      /query-not-into-pipeline: functions\/query\/peek\.ts → functions\/pipeline\/step\.ts/,
    );
    expect(report).toMatch(/adapters-only-in-composition-roots/);
    expect(report).toMatch(
      /functions-no-cdk: functions\/handlers\/stacky\.ts → \S*node_modules\/aws-cdk-lib\//,
    );
    expect(report).toMatch(
      /functions-not-into-infra: functions\/handlers\/settings\.ts → infra\/settings\.ts/,
    );
  });
});
