import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_COPY_COLUMNS } from '../../infra/constructs/analytics';
import { cleanCopySchema } from '../../functions/query/schemas';
import { seedArchive, type SeededArchive } from './helpers/seed-archive';

/**
 * Clean copies as Athena reads them through the Glue table the stack defines
 * (`infra/constructs/analytics.ts`): JSON Lines bundles under `clean/dt=<day>/bundle-*.jsonl`,
 * one JSON object per line, matched by the OpenX JSON SerDe on lower-cased keys.
 */

/** JSON keys of a clean copy that the Glue table does not expose (Athena ignores them). */
const NOT_IN_TABLE = new Set([
  'paragraphhashes',
  'rawkey',
  'rawoffset',
  'rawlength',
  'rawcontenttype',
  'stats',
  'minhash',
  'declarescopy',
  'lead',
]);
/**
 * Fields of the query API's clean copy that are never stored: merged in from the index on read
 * (a clean copy is written once per version; its list of copies grows later, in the index only;
 * where the line is stored is known only once its bundle is).
 */
const API_ONLY = new Set(['copies', 'cleankey', 'cleanoffset', 'cleanlength']);
/** Stored (and a column) but not in the API's model: when the line was written (newest wins). */
const STORED_ONLY = new Set(['storedat']);

type HiveType =
  | { kind: 'primitive'; name: string }
  | { kind: 'array'; of: HiveType }
  | { kind: 'struct'; fields: Map<string, HiveType> };

/** Parses a Hive type such as `array<struct<a:string,b:int>>`. */
function parseHiveType(text: string): HiveType {
  let pos = 0;
  const read = (): HiveType => {
    const name = /^[a-z]+/.exec(text.slice(pos))![0];
    pos += name.length;
    if (name === 'array') {
      pos += 1; // <
      const of = read();
      pos += 1; // >
      return { kind: 'array', of };
    }
    if (name === 'struct') {
      pos += 1;
      const fields = new Map<string, HiveType>();
      while (text[pos] !== '>') {
        const field = /^[a-z0-9_]+/.exec(text.slice(pos))![0];
        pos += field.length + 1; // name and ':'
        fields.set(field, read());
        if (text[pos] === ',') pos += 1;
      }
      pos += 1;
      return { kind: 'struct', fields };
    }
    return { kind: 'primitive', name };
  };
  const type = read();
  if (pos !== text.length) throw new Error(`trailing text in Hive type ${text}`);
  return type;
}

/** Problems reading `value` as `type` (undefined/null read as NULL and are fine). */
function checkHive(type: HiveType, value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (type.kind === 'array') {
    if (!Array.isArray(value)) return [`${path}: expected array`];
    return value.flatMap((v, i) => checkHive(type.of, v, `${path}[${i}]`));
  }
  if (type.kind === 'struct') {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected struct`];
    const problems: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      const field = type.fields.get(key.toLowerCase());
      if (!field) problems.push(`${path}.${key}: not a field of the struct type`);
      else problems.push(...checkHive(field, v, `${path}.${key}`));
    }
    return problems;
  }
  const ok =
    type.name === 'string'
      ? typeof value === 'string'
      : type.name === 'int' || type.name === 'bigint'
        ? Number.isInteger(value)
        : type.name === 'double'
          ? typeof value === 'number'
          : type.name === 'boolean'
            ? typeof value === 'boolean'
            : false;
  return ok ? [] : [`${path}: ${JSON.stringify(value)} is not ${type.name}`];
}

describe('clean copies as the Athena table reads them', () => {
  let dataDir: string;
  let seeded: SeededArchive;
  let files: Array<{ key: string; text: string }>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'athena-'));
    seeded = await seedArchive(dataDir);
    const root = join(seeded.pipeline.archiveDir, 'clean');
    files = [];
    const walk = async (d: string) => {
      for (const entry of await readdir(d, { withFileTypes: true })) {
        const p = join(d, entry.name);
        if (entry.isDirectory()) await walk(p);
        else files.push({ key: `clean/${relative(root, p)}`, text: await readFile(p, 'utf8') });
      }
    };
    await walk(root);
  });
  afterAll(async () => {
    await seeded?.pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every stored line with its object's key. */
  const lines = () =>
    files.flatMap(({ key, text }) =>
      text
        .slice(0, -1)
        .split('\n')
        .map((line) => ({ key, text: line })),
    );

  it('every clean object is JSON Lines (one object per line) in the day partition of its lines, and each line carries id, version and storedAt', () => {
    expect(lines()).toHaveLength(10);
    for (const { key, text } of files) {
      expect(key).toMatch(/^clean\/dt=\d{4}-\d{2}-\d{2}\/bundle-[0-9TZ-]+-[0-9a-f]{12}\.jsonl$/);
      expect(text.endsWith('\n'), key).toBe(true);
    }
    for (const { key, text } of lines()) {
      const value = JSON.parse(text) as Record<string, unknown>;
      expect(typeof value === 'object' && !Array.isArray(value)).toBe(true);
      expect(key.startsWith(`clean/dt=${value.day}/`), key).toBe(true);
      expect(value).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        version: expect.any(Number),
        storedAt: expect.stringMatching(/Z$/),
      });
    }
  });

  it("its keys are the Glue table's columns (plus the few it leaves out on purpose), with matching types", () => {
    const columns = new Map(CLEAN_COPY_COLUMNS.map((c) => [c.name, parseHiveType(c.type)]));
    for (const { key, text } of lines()) {
      const value = JSON.parse(text) as Record<string, unknown>;
      const lowerKeys = Object.keys(value).map((k) => k.toLowerCase());
      expect(new Set(lowerKeys).size, `${key}: keys differing only in case`).toBe(lowerKeys.length);
      const unknown = lowerKeys.filter((k) => !columns.has(k) && !NOT_IN_TABLE.has(k));
      expect(unknown, key).toEqual([]);
      expect(
        lowerKeys.filter((k) => API_ONLY.has(k)),
        key,
      ).toEqual([]);
      const problems = Object.entries(value).flatMap(([k, v]) =>
        columns.has(k.toLowerCase()) ? checkHive(columns.get(k.toLowerCase())!, v, `${key}:${k}`) : [],
      );
      expect(problems).toEqual([]);
    }
  });

  it('every column is a field of the clean copy model, so none is always NULL', () => {
    const modelFields = new Set(Object.keys(cleanCopySchema.shape).map((k) => k.toLowerCase()));
    expect(
      CLEAN_COPY_COLUMNS.map((c) => c.name).filter(
        (name) => !modelFields.has(name) && !STORED_ONLY.has(name),
      ),
    ).toEqual([]);
    // And every field of the model is either a column or deliberately left out.
    expect(
      [...modelFields].filter(
        (f) => !CLEAN_COPY_COLUMNS.some((c) => c.name === f) && !NOT_IN_TABLE.has(f) && !API_ONLY.has(f),
      ),
    ).toEqual([]);
  });
});
