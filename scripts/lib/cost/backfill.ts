/**
 * The price of a WARC backfill on AWS (the backfill state machine, infra/constructs/backfill.ts),
 * per million WARC records, from the same per-article measurements as the crawl (bench:pipeline:
 * CPU per article, DynamoDB units of the index, clean-copy bytes) plus what only a backfill has:
 * parsing WARC records (bench:warc), Step Functions state transitions, and no fetching, frontier,
 * rate limiter, SQS or raw-page writes (a backfilled raw page is a pointer into its WARC).
 */
import * as fs from 'node:fs';
import type { PipelineSettings } from '../../../infra/settings';
import { money, type CostLine } from './compute';
import type { Input } from './inputs';
import { PRICES } from './prices';

/** Step Functions Standard, per 1,000 state transitions (us-east-1 list price, docs/cost.md). */
export const STEP_FUNCTIONS_PER_THOUSAND_TRANSITIONS = 0.025;

/** Assumptions of the backfill price, each with why (printed). */
export const BACKFILL_ASSUMPTIONS = {
  processedShare: {
    value: 0.95,
    why: 'share of WARC records that are HTML 200 responses sent through processing (CC-NEWS files hold response records of news pages; the rest: warcinfo, non-HTML, redirects)',
  },
  articleShare: {
    value: 0.85,
    why: 'share of processed pages stored as articles (the rest: index pages, consent walls, empty pages)',
  },
  recordsPerWarc: {
    value: 30_000,
    why: 'records per CC-NEWS WARC file (files are about 1 GB gzipped; ~30 KB per gzipped news page)',
  },
  logBytesPerInvocation: { value: 1_500, why: 'START/END/REPORT lines and one progress line per invocation' },
} as const;

/** Measured inputs the backfill price reads beyond the crawl's. */
export interface BackfillMeasurements {
  /** ms of CPU to parse one WARC record (bench-results/warc.json), else undefined. */
  readCpuMsPerRecord?: number;
  /** Share of the crawl's DynamoDB writes/reads that are the index's (bench-results/pipeline.json info). */
  indexWriteShare?: number;
  indexReadShare?: number;
  sources: string[];
}

/** Reads what bench:warc and bench:pipeline measured for the backfill price (absent files: none). */
export function readBackfillMeasurements(warcFile: string, pipelineFile: string): BackfillMeasurements {
  const out: BackfillMeasurements = { sources: [] };
  if (fs.existsSync(warcFile)) {
    const warc = JSON.parse(fs.readFileSync(warcFile, 'utf8')) as {
      readCpuMsPerRecord?: number;
      measuredAt?: string;
    };
    if (typeof warc.readCpuMsPerRecord === 'number') {
      out.readCpuMsPerRecord = warc.readCpuMsPerRecord;
      out.sources.push(
        `${warcFile} (${warc.measuredAt ?? 'undated'}): parsing ${warc.readCpuMsPerRecord} ms CPU per record`,
      );
    }
  }
  if (fs.existsSync(pipelineFile)) {
    const p = JSON.parse(fs.readFileSync(pipelineFile, 'utf8')) as {
      info?: { writeUnitsByPart?: Record<string, number>; readUnitsByPart?: Record<string, number> };
    };
    const share = (parts?: Record<string, number>) => {
      if (!parts || typeof parts.index !== 'number') return undefined;
      const total = Object.values(parts).reduce((a, b) => a + b, 0);
      return total > 0 ? parts.index / total : undefined;
    };
    out.indexWriteShare = share(p.info?.writeUnitsByPart);
    out.indexReadShare = share(p.info?.readUnitsByPart);
    if (out.indexWriteShare !== undefined)
      out.sources.push(
        `${pipelineFile}: the index's share of DynamoDB units (writes ${(100 * out.indexWriteShare).toFixed(0)} %, reads ${(100 * (out.indexReadShare ?? 1)).toFixed(0)} %); a backfill writes no frontier or rate-limiter items`,
      );
  }
  return out;
}

/** Cost lines per million WARC records, and the per-article figure. */
export function backfillCosts(
  inputs: Record<string, Input>,
  settings: PipelineSettings,
  measured: BackfillMeasurements,
): { lines: CostLine[]; perMillionRecords: number; perMillionArticles: number; notes: string[] } {
  const v = (key: string) => inputs[key].value;
  const a = BACKFILL_ASSUMPTIONS;
  const processed = a.processedShare.value;
  const stored = processed * a.articleShare.value;
  const b = settings.backfill;
  const notes: string[] = [];
  const lines: CostLine[] = [];
  const add = (component: string, dollarsPerRecord: number, detail: string) =>
    lines.push({ component, dollars: dollarsPerRecord * 1e6, detail });

  // CPU-bound at recordConcurrency records in flight on one vCPU (1769 MB): billed time is the CPU
  // time; below 1769 MB Lambda gives a share of a vCPU, so the same CPU takes longer.
  const readMs = measured.readCpuMsPerRecord ?? 0.5;
  if (measured.readCpuMsPerRecord === undefined)
    notes.push('WARC parsing: 0.5 ms per record ASSUMED (run npm run bench:warc)');
  const cpuMs = readMs + processed * v('crawl.cpuMsPerArticle');
  const vcpuShare = Math.min(1, b.memoryMb / 1769);
  const billedMs = cpuMs / vcpuShare;
  const gbS = (billedMs / 1000) * (b.memoryMb / 1024);
  add(
    'Lambda backfill (GB-s)',
    gbS * PRICES.lambdaArmPerGbSecond,
    `${billedMs.toFixed(1)} ms at ${b.memoryMb} MB per record: parse ${readMs} ms + ${processed} x ${v('crawl.cpuMsPerArticle')} ms CPU per processed page (crawl.cpuMsPerArticle), waits hidden by ${b.recordConcurrency} records in flight`,
  );
  // An invocation reads until its timeout less the handler's margin (BACKFILL_TIME_MARGIN_MS, 30 s).
  const usableMs = Math.max(1, b.timeoutSeconds * 1000 - 30_000);
  const recordsPerInvocation = Math.max(1, usableMs / Math.max(billedMs, 0.001));
  const invocationsPerWarc = Math.ceil(a.recordsPerWarc.value / recordsPerInvocation);
  add(
    'Lambda requests',
    (invocationsPerWarc / a.recordsPerWarc.value) * (PRICES.lambdaPerMillionRequests / 1e6),
    `${invocationsPerWarc} invocations per WARC of ${a.recordsPerWarc.value} records`,
  );
  // Per WARC: the Map's item, then per invocation the task and the done? choice, then the end.
  const transitionsPerWarc = 2 + 2 * invocationsPerWarc;
  add(
    'Step Functions transitions',
    (transitionsPerWarc / a.recordsPerWarc.value) * (STEP_FUNCTIONS_PER_THOUSAND_TRANSITIONS / 1e3),
    `${transitionsPerWarc} transitions per WARC (child workflow per file, Standard)`,
  );
  const writeShare = measured.indexWriteShare ?? 1;
  const readShare = measured.indexReadShare ?? 1;
  const wru = v('dynamodb.writeUnitsPerArticle') * writeShare;
  const rru = v('dynamodb.readUnitsPerArticle') * readShare;
  add(
    'DynamoDB writes',
    (processed * wru * PRICES.dynamodbPerMillionWriteUnits) / 1e6,
    `${wru.toFixed(1)} WRU per processed page, on-demand (the index part of dynamodb.writeUnitsPerArticle)`,
  );
  add(
    'DynamoDB reads',
    (processed * rru * PRICES.dynamodbPerMillionReadUnits) / 1e6,
    `${rru.toFixed(1)} RRU per processed page, on-demand`,
  );
  // One clean-copy PUT per stored article (no batch sink in the backfill loop), one ranged GET of
  // the WARC per invocation, no raw-page PUT.
  add(
    'S3 PUT',
    (stored * PRICES.s3PutPerThousand) / 1e3,
    `${stored.toFixed(2)} clean-copy PUT per record; raw pages are WARC pointers`,
  );
  add(
    'S3 GET',
    ((invocationsPerWarc / a.recordsPerWarc.value) * PRICES.s3GetPerThousand) / 1e3,
    `one streamed GET of the WARC per invocation`,
  );
  add(
    'CloudWatch Logs ingest',
    ((invocationsPerWarc * a.logBytesPerInvocation.value) / a.recordsPerWarc.value / 1e9) *
      PRICES.logsIngestPerGb,
    `${a.logBytesPerInvocation.value} B per invocation`,
  );
  const perMillionRecords = lines.reduce((n, l) => n + l.dollars, 0);
  notes.push(
    "not included: storage of what the backfill adds (priced per million articles kept in the main table above), data transfer (none when the stack runs in us-east-1, where Common Crawl's bucket is; other regions pay inter-region transfer per GB read)",
  );
  return { lines, perMillionRecords, perMillionArticles: perMillionRecords / stored, notes };
}

/** Prints the backfill section of `npm run cost`. */
export function printBackfill(
  result: ReturnType<typeof backfillCosts>,
  measured: BackfillMeasurements,
): void {
  console.log('\nBackfill from WARC (CC-NEWS or own archives), per million WARC records');
  for (const s of measured.sources) console.log(`  measured: ${s}`);
  for (const [name, a] of Object.entries(BACKFILL_ASSUMPTIONS))
    console.log(`  assumed: ${name} = ${a.value}: ${a.why}`);
  for (const l of [...result.lines].sort((x, y) => y.dollars - x.dollars))
    console.log(`  ${l.component.padEnd(26)} ${money(l.dollars).padStart(10)} per M records  ${l.detail}`);
  console.log(`  ${'total'.padEnd(26)} ${money(result.perMillionRecords).padStart(10)} per M records`);
  console.log(`  = ${money(result.perMillionArticles)} per million articles stored by a backfill`);
  for (const n of result.notes) console.log(`  note: ${n}`);
}
