/**
 * How big the DynamoDB article item (`ART#<id>` / `A`) is for real pages: runs the pipeline's own
 * `processPage` (extraction, dedup, record building, raw and clean archiving) over an
 * article-extraction dataset (default: the shared dev set) with in-memory storage, catches each
 * record handed to `putArticle`, and prints the distribution of its stored item's billed size (as
 * DynamoDB counts it: `scripts/lib/dynamodb-item-size.ts`) and which attributes take the bytes,
 * for the item layout written now and for the one before fields were packed (v1, still read).
 *
 * Each page is fetched (in this simulation) an hour after its published time, as a crawler
 * following feeds would, and served as `text/html; charset=utf-8`; raw pages and clean copies go
 * to bundles keyed like the crawl Lambda's. A second distribution gives each item a `copyOf` link
 * (to another page of the set) and the matching `clusterId`, as a syndicated copy's item has.
 *
 * usage: npx tsx scripts/measure-article-item.ts [DATASET_DIR] [--json FILE] [--records FILE]
 *   --json FILE     write the figures as JSON
 *   --records FILE  write the captured records (JSON), to try other item layouts on
 * DATASET_DIR holds `html/<id>.html.gz` (or `.html`) and `ground-truth.json` ({ id: { url } }).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ArticleRecord } from '../functions/core/article';
import type { ArchiveStore } from '../functions/ports/archive-store';
import { inspectPacked } from '../functions/adapters/dynamodb/article-item-packing';
import { PACKED_ATTRIBUTE, toArticleItem } from '../functions/adapters/dynamodb/dedup-index-items';
import { extractArticle } from '../functions/core/extract/index';
import type { PipelineDeps } from '../functions/pipeline/deps';
import { silentLog } from '../functions/pipeline/deps';
import { processPage } from '../functions/pipeline/process-page';
import { MemoryDedupIndex } from '../test/core/dedup/memory-dedup-index';
import { toV1ArticleItem } from '../test/adapters/dynamodb/v1-article-item';
import { itemSizeBytes } from './lib/dynamodb-item-size';

const DEFAULT_DATASET = '/work/shared/datasets/scrapinghub';
/** DynamoDB bills a write per started KB of the item. */
const WRITE_UNIT_BYTES = 1024;
/** Pages without a published time are "fetched" at this time. */
const FALLBACK_FETCHED_AT = '2026-11-24T10:15:31.204Z';
/** A crawler following feeds sees a page about this long after it is published. */
const FETCH_DELAY_MS = 3_600_000;
/** What most publishers serve; the record keeps it as `rawContentType`. */
const CONTENT_TYPE = 'text/html; charset=utf-8';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'string' }, records: { type: 'string' } },
});
const datasetDir = resolve(positionals[0] ?? DEFAULT_DATASET);
const truthPath = join(datasetDir, 'ground-truth.json');
if (!existsSync(truthPath) || !existsSync(join(datasetDir, 'html'))) {
  console.error(
    `measure-article-item: no dataset at ${datasetDir} (expected ground-truth.json and html/<id>.html.gz).`,
  );
  console.error('usage: npx tsx scripts/measure-article-item.ts [DATASET_DIR]');
  process.exit(2);
}

/** An archive that keeps nothing: only the keys and ranges it hands back matter here. */
class DiscardingArchive implements ArchiveStore {
  async put(): Promise<void> {}
  async get(): Promise<Uint8Array | undefined> {
    return undefined;
  }
  async getRange(): Promise<Uint8Array | undefined> {
    return undefined;
  }
  async *list(): AsyncIterable<string> {}
  async delete(): Promise<void> {}
}

/** Records as processPage stores them. */
class CapturingIndex extends MemoryDedupIndex {
  readonly stored: ArticleRecord[] = [];
  override async putArticle(record: ArticleRecord): Promise<void> {
    this.stored.push(structuredClone(record));
    return super.putArticle(record);
  }
}

function readPage(id: string): string | undefined {
  const gz = join(datasetDir, 'html', `${id}.html.gz`);
  if (existsSync(gz)) return gunzipSync(readFileSync(gz)).toString('utf8');
  const plain = join(datasetDir, 'html', `${id}.html`);
  return existsSync(plain) ? readFileSync(plain, 'utf8') : undefined;
}

function fetchTimeOf(publishedAt: string | undefined): string {
  const published = publishedAt === undefined ? Number.NaN : Date.parse(publishedAt);
  return Number.isFinite(published)
    ? new Date(published + FETCH_DELAY_MS).toISOString()
    : FALLBACK_FETCHED_AT;
}

const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, { url: string }>;
const index = new CapturingIndex();
let clock = Date.parse(FALLBACK_FETCHED_AT);
const deps = {
  archive: new DiscardingArchive(),
  index,
  writeRenderings: false,
  now: () => new Date(clock),
  sleep: async () => {},
  log: silentLog,
} as unknown as PipelineDeps;

const skipped: Record<string, number> = {};
for (const [id, { url }] of Object.entries(truth)) {
  const html = readPage(id);
  if (html === undefined) {
    skipped['missing-html'] = (skipped['missing-html'] ?? 0) + 1;
    continue;
  }
  const fetchedAt = fetchTimeOf(extractArticle(html, { url }).metadata.publishedAt);
  // Bundles are written moments after the fetch; their keys carry that time.
  clock = Date.parse(fetchedAt) + 1_500;
  const outcome = await processPage(deps, {
    url,
    body: Buffer.from(html, 'utf8'),
    contentType: CONTENT_TYPE,
    fetchedAt,
  });
  if (outcome.kind === 'skipped') skipped[outcome.reason] = (skipped[outcome.reason] ?? 0) + 1;
}

const records = index.stored;
if (records.length === 0) {
  console.error('measure-article-item: no page of the dataset was stored as an article');
  process.exit(1);
}

interface Measured {
  size: number;
  attributes: Record<string, number>;
}

type Layout = (record: ArticleRecord) => Record<string, unknown>;

function measure(layout: Layout, record: ArticleRecord): Measured {
  const stored = layout(record);
  const item = marshall(stored, { removeUndefinedValues: true });
  const attributes: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    const bytes = itemSizeBytes({ [name]: value });
    const packed = stored[name];
    if (name !== PACKED_ATTRIBUTE || !(packed instanceof Uint8Array)) {
      attributes[name] = bytes;
      continue;
    }
    // The packed attribute by part: its name and header, then each section.
    const parts = inspectPacked(packed).bytes;
    attributes[`${name} (name, header)`] = Buffer.byteLength(name) + parts.header;
    attributes[`${name}: contentHash`] = parts.contentHash;
    attributes[`${name}: paragraphHashes`] = parts.paragraphHashes;
    attributes[`${name}: minhash`] = parts.sketch;
    attributes[`${name}: other fields`] = parts.json;
  }
  return { size: itemSizeBytes(item), attributes };
}

/** The record as a syndicated copy of `origin` would have it. */
function asCopyOf(record: ArticleRecord, origin: ArticleRecord): ArticleRecord {
  return {
    ...record,
    copyOf: {
      articleId: origin.id,
      url: origin.canonicalUrl,
      host: origin.host,
      overlap: 0.9166666666666666,
      method: 'exact',
    },
    clusterId: origin.id,
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

function summary(measured: Measured[]) {
  const sizes = measured.map((m) => m.size).sort((a, b) => a - b);
  const mean = sizes.reduce((n, s) => n + s, 0) / sizes.length;
  const writeUnits =
    sizes.reduce((n, s) => n + Math.max(1, Math.ceil(s / WRITE_UNIT_BYTES)), 0) / sizes.length;
  return {
    items: sizes.length,
    meanBytes: Math.round(mean),
    medianBytes: quantile(sizes, 0.5),
    p90Bytes: quantile(sizes, 0.9),
    maxBytes: sizes[sizes.length - 1],
    shareOver1024: sizes.filter((s) => s > WRITE_UNIT_BYTES).length / sizes.length,
    writeUnitsPerWrite: writeUnits,
  };
}

function attributeTable(measured: Measured[]) {
  const totals = new Map<string, { bytes: number; present: number }>();
  for (const m of measured) {
    for (const [name, bytes] of Object.entries(m.attributes)) {
      const entry = totals.get(name) ?? { bytes: 0, present: 0 };
      entry.bytes += bytes;
      entry.present++;
      totals.set(name, entry);
    }
  }
  return [...totals.entries()]
    .map(([name, { bytes, present }]) => ({
      name,
      meanBytes: bytes / measured.length,
      presentShare: present / measured.length,
    }))
    .sort((a, b) => b.meanBytes - a.meanBytes);
}

const layouts: Record<string, Layout> = { current: toArticleItem, 'v1 (before packing)': toV1ArticleItem };
const report = {
  dataset: datasetDir,
  pages: Object.keys(truth).length,
  skipped,
  evidenceParagraphsMean: records.reduce((n, r) => n + r.paragraphHashes.length, 0) / records.length,
  layouts: Object.fromEntries(
    Object.entries(layouts).map(([name, layout]) => {
      const plain = records.map((record) => measure(layout, record));
      const copies = records.map((record, i) =>
        measure(layout, asCopyOf(record, records[(i + 1) % records.length])),
      );
      return [
        name,
        {
          articleItem: summary(plain),
          articleItemAsCopy: summary(copies),
          attributes: attributeTable(plain),
        },
      ];
    }),
  ),
};

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const line = (label: string, s: ReturnType<typeof summary>) =>
  `${label}: n=${s.items} mean ${s.meanBytes} B, median ${s.medianBytes} B, p90 ${s.p90Bytes} B, max ${s.maxBytes} B, over 1024 B ${pct(s.shareOver1024)}, write units per write ${s.writeUnitsPerWrite.toFixed(2)}`;
console.log(
  `dataset ${datasetDir}: ${report.pages} pages, ${records.length} stored, skipped ${JSON.stringify(skipped)}`,
);
console.log(`evidence paragraphs per stored article: ${report.evidenceParagraphsMean.toFixed(2)}`);
for (const [name, layout] of Object.entries(report.layouts)) {
  console.log(`\n${name} layout`);
  console.log(line('  article item', layout.articleItem));
  console.log(line('  with copyOf  ', layout.articleItemAsCopy));
  console.log('  bytes per attribute (name + value, mean over all items; share of items that have it):');
  for (const a of layout.attributes)
    if (a.meanBytes > 0)
      console.log(
        `    ${a.name.padEnd(24)} ${a.meanBytes.toFixed(1).padStart(7)}  ${pct(a.presentShare).padStart(6)}`,
      );
}
if (values.records) writeFileSync(values.records, `${JSON.stringify(records)}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
