import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../..');
const biome = join(repoRoot, 'node_modules/.bin/biome');

/** Runs the project's lint command (`npm run lint`'s arguments) in `dir`. */
async function lint(dir: string): Promise<{ code: number; report: string }> {
  try {
    const { stdout, stderr } = await run(biome, ['check', '--diagnostic-level=error', '.'], { cwd: dir });
    return { code: 0, report: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, report: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** A directory holding the project's biome.json and one source file. */
async function projectWith(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'biome-'));
  const config = JSON.parse(await readFile(join(repoRoot, 'biome.json'), 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  await writeFile(join(dir, 'biome.json'), `${JSON.stringify(config, null, 2)}\n`);
  await mkdir(join(dir, 'functions'));
  await writeFile(join(dir, 'functions/sample.ts'), source);
  return dir;
}

describe('lint rules (biome.json)', () => {
  const dirs: string[] = [];
  let clean: string;
  let violating: string;

  beforeAll(async () => {
    clean = await projectWith('export function double(n: number): number {\n  return n * 2;\n}\n');
    violating = await projectWith(
      'export function double(n: number): number {\n  debugger;\n  return n * 2;\n}\n',
    );
    dirs.push(clean, violating);
  });

  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('passes a clean, formatted file', async () => {
    const { code, report } = await lint(clean);
    expect(report).not.toMatch(/lint\//);
    expect(code).toBe(0);
  });

  it('fails on a lint violation and names the rule', async () => {
    const { code, report } = await lint(violating);
    expect(code).not.toBe(0);
    expect(report).toMatch(/lint\/suspicious\/noDebugger/);
  });
});
