/**
 * Cost model: dollars per million articles and per month on AWS, from measured per-article figures
 * (benchmark result files) and list prices. Every input is printed with where it came from:
 * MEASURED (file and run), ASSUMED (with the reasoning), SETTING (the priced stage's settings from
 * cdk.json), CODE or WHAT-IF (--set). Prices and the file formats are documented in docs/cost.md.
 *
 * Usage: npm run cost -- --articles-per-day 30000 [--stage prod|steady|...] [--measurements FILE ...]
 *        [--hosts 300] [--per-host-metrics watched|all] [--watched-hosts 0] [--months 12]
 *        [--set section.field=value ...] [--json]
 * Without --measurements it reads bench-results/{crawl,extract,discover,pipeline}.json when present:
 * `bench:crawl` (its own shape) and `bench:pipeline` (nested `section.field` figures for the whole
 * AWS path, read last so they win). `bench:dedup --out` files (flat DynamoDB figures of dedup
 * alone) can be given with --measurements.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSettings } from '../infra/settings';
import {
  computeCosts,
  GOAL_DOLLARS_PER_MILLION,
  money,
  type CostLine,
  type CostOptions,
} from './lib/cost/compute';
import {
  DEFAULT_INPUTS,
  defaultInputs,
  isKnown,
  OVERRIDE_ONLY_INPUTS,
  readMeasurements,
  type InputDefault,
} from './lib/cost/inputs';
import { PRICES } from './lib/cost/prices';
import { backfillCosts, printBackfill, readBackfillMeasurements } from './lib/cost/backfill';

/** The stage priced when --stage is not given: the hourly, on-demand production stage. */
export const DEFAULT_COST_STAGE = 'prod';

/** A stage's settings as `cdk synth -c stage=<stage>` resolves them from cdk.json. */
function stageSettings(stage: string) {
  const context = (
    JSON.parse(
      fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'cdk.json'), 'utf8'),
    ) as { context: Record<string, unknown> }
  ).context;
  const stages = Object.keys((context.stages as Record<string, unknown> | undefined) ?? {});
  if (!stages.includes(stage))
    throw new Error(`--stage ${stage}: no such stage in cdk.json (stages: ${stages.join(', ')})`);
  return resolveSettings((key) => (key === 'stage' ? stage : context[key]));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      'articles-per-day': { type: 'string', default: '30000' },
      stage: { type: 'string', default: DEFAULT_COST_STAGE },
      measurements: { type: 'string', multiple: true },
      hosts: { type: 'string', default: '300' },
      // Mirrors the stack defaults (infra/settings.ts).
      'per-host-metrics': { type: 'string' },
      'watched-hosts': { type: 'string' },
      months: { type: 'string', default: '12' },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, raw: string | undefined) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${raw}`);
    return n;
  };
  const settings = stageSettings(values.stage);
  const perHostMetrics = values['per-host-metrics'] ?? settings.perHostMetrics;
  if (perHostMetrics !== 'all' && perHostMetrics !== 'watched')
    throw new Error('--per-host-metrics must be all or watched');

  const files =
    values.measurements ??
    // Later files win: bench:pipeline measures the whole AWS path, so it comes last.
    ['crawl', 'extract', 'discover', 'pipeline']
      .map((n) => path.join('bench-results', `${n}.json`))
      .filter((f) => fs.existsSync(f));
  const inputs = defaultInputs(settings);
  const warnings: string[] = [];
  const notes: string[] = [];
  const withDefaults = (key: string): InputDefault =>
    inputs[key] ?? DEFAULT_INPUTS[key] ?? { value: 0, basis: 'assumed', ...OVERRIDE_ONLY_INPUTS[key] };
  for (const file of files) {
    const m = readMeasurements(file);
    for (const [key, value] of Object.entries(m.values)) {
      const earlier = inputs[key]?.source.startsWith('measured') ? inputs[key] : undefined;
      if (earlier)
        notes.push(
          `${key} = ${value} from ${file} replaces ${earlier.value} from an earlier file (later files win)`,
        );
      inputs[key] = { ...withDefaults(key), value, source: `measured (${m.label})` };
    }
    if (m.unknown.length) warnings.push(`${file}: ignored unknown fields ${m.unknown.join(', ')}`);
    notes.push(...m.notes);
  }
  // --set section.field=value: what-if overrides, labelled as such.
  for (const assignment of values.set ?? []) {
    const [key, raw] = assignment.split('=');
    if (!isKnown(key))
      throw new Error(
        `--set ${assignment}: unknown input; known: ${[...Object.keys(DEFAULT_INPUTS), ...Object.keys(OVERRIDE_ONLY_INPUTS)].join(', ')}`,
      );
    inputs[key] = {
      ...withDefaults(key),
      value: num(`set ${key}`, raw),
      source: 'set on the command line (what-if)',
    };
  }

  const options: CostOptions = {
    articlesPerDay: num('articles-per-day', values['articles-per-day']),
    hosts: num('hosts', values.hosts),
    perHostMetrics,
    watchedHosts: num(
      'watched-hosts',
      values['watched-hosts'] ?? String(settings.extractionWatchHosts.length),
    ),
    tableCapacity: settings.tableCapacity,
    months: num('months', values.months),
    inputs,
  };
  const result = computeCosts(options);
  if (values.json) {
    console.log(JSON.stringify({ options, prices: PRICES, ...result }, null, 2));
    return;
  }

  console.log(
    `Cost model — us-east-1 list prices (docs/cost.md), ${options.articlesPerDay} articles/day = ${result.articlesPerMonth} per 30-day month`,
  );
  const capacity = settings.tableCapacity;
  console.log(
    `stage ${settings.stage} (cdk.json): schedule ${settings.scheduleExpression}, discovery spread ${settings.discover.spreadSeconds} s, DynamoDB ${capacity.billing}` +
      (capacity.billing === 'provisioned'
        ? ` (${capacity.minWriteUnits}-${capacity.maxWriteUnits} write / ${capacity.minReadUnits}-${capacity.maxReadUnits} read units, target ${capacity.targetUtilizationPercent} %)`
        : ''),
  );
  console.log(
    files.length
      ? `measurement files: ${files.join(', ')}`
      : 'measurement files: none found (bench-results/*.json); every input below is an assumption',
  );
  for (const w of warnings) console.log(`warning: ${w}`);
  for (const n of notes) console.log(`note: ${n}`);
  console.log(
    '\nInputs per stored article (MEASURED: from a file; ASSUMED: an estimate; CODE/SETTING: what the code or stack defaults do; WHAT-IF: --set)',
  );
  for (const [key, input] of Object.entries(inputs)) {
    const tag = input.source.startsWith('measured')
      ? 'MEASURED'
      : input.source.startsWith('set on')
        ? 'WHAT-IF '
        : input.source === 'code'
          ? 'CODE    '
          : input.source === 'settings'
            ? 'SETTING '
            : 'ASSUMED ';
    const explanation =
      input.source.startsWith('measured') || input.source.startsWith('set on') ? input.source : input.why;
    console.log(
      `  ${key.padEnd(40)} ${String(input.value).padStart(8)} ${input.unit.padEnd(16)} ${tag}  ${explanation}`,
    );
  }
  console.log(
    `  ${'=> crawl billed ms per article'.padEnd(40)} ${result.crawlBilledMs.ms.toFixed(0).padStart(8)} ${'ms'.padEnd(16)} DERIVED   ${result.crawlBilledMs.detail}`,
  );
  const counts = { measured: 0, assumed: 0, other: 0 };
  for (const input of Object.values(inputs)) {
    if (input.source.startsWith('measured')) counts.measured++;
    else if (input.source === 'assumed') counts.assumed++;
    else counts.other++;
  }
  if (result.crawlBatchFill < inputs['crawl.batchSize'].value) {
    console.log(
      `  ${'=> crawl batch fill'.padEnd(40)} ${result.crawlBatchFill.toFixed(1).padStart(8)} ${'URLs/invocation'.padEnd(16)} DERIVED   URLs arrive evenly (discovery spread); each of ${inputs['sqs.pollersPerMapping'].value} pollers gathers what arrives within the ${inputs['crawl.maxBatchingWindowSeconds'].value} s window`,
    );
  }
  console.log(
    `  (${counts.measured} measured, ${counts.assumed} assumed, ${counts.other} from code, settings or --set)`,
  );
  console.log('\nPrices');
  for (const [key, price] of Object.entries(PRICES)) console.log(`  ${key.padEnd(32)} ${price}`);

  const table = (title: string, lines: CostLine[], unit: string) => {
    console.log(`\n${title}`);
    const total = lines.reduce((n, l) => n + l.dollars, 0);
    for (const l of [...lines].sort((a, b) => b.dollars - a.dollars)) {
      const share = total > 0 ? ((100 * l.dollars) / total).toFixed(0).padStart(3) : '  0';
      console.log(
        `  ${l.component.padEnd(26)} ${money(l.dollars).padStart(10)} ${unit}  ${share} %  ${l.detail}`,
      );
    }
    console.log(`  ${'total'.padEnd(26)} ${money(total).padStart(10)} ${unit}`);
  };
  table('Processing, per million articles', result.perArticle, 'per M');
  table('Storage, per million articles kept, per month', result.storagePerMillionPerMonth, 'per M per month');
  table('Fixed, per month', result.fixedMonthly, 'per month');

  const top = [...result.perArticle].sort((a, b) => b.dollars - a.dollars)[0];
  console.log('\nSummary');
  console.log(
    `  processing:                  ${money(result.processingPerMillion)} per million articles (dominated by ${top.component}, ${((100 * top.dollars) / result.processingPerMillion).toFixed(0)} %)`,
  );
  console.log(
    `  all-in at this volume:       ${money(result.allInPerMillion)} per million articles ingested (processing + share of fixed monthly costs)`,
  );
  console.log(
    `  keeping them:                ${money(result.storagePerMillionMonth)} per million articles per month (S3 + DynamoDB + PITR)`,
  );
  console.log(
    `  per month at this volume:    processing ${money(result.monthly.processing)} + fixed ${money(result.monthly.fixed)} + storage ${money(result.monthly.storageFirstMonth)} in month 1, ${money(result.monthly.storageAfterMonths)} after ${options.months} months`,
  );
  console.log(
    `  goal (issue): under $${GOAL_DOLLARS_PER_MILLION} per million all-in: ${result.allInPerMillion < GOAL_DOLLARS_PER_MILLION ? 'met' : 'NOT met'} at ${options.articlesPerDay} articles/day with these inputs`,
  );
  console.log(
    result.breakEvenArticlesPerDay === undefined
      ? `  processing alone is over $${GOAL_DOLLARS_PER_MILLION} per million: no volume meets the goal`
      : `  all-in is under $${GOAL_DOLLARS_PER_MILLION} per million from ${result.breakEvenArticlesPerDay} articles/day (fixed $${result.fixedPerMonth.toFixed(2)}/month spread over the volume)`,
  );
  if (capacity.billing === 'on-demand')
    console.log('  provisioned capacity (a steady load): npm run cost -- --stage steady (docs/cost.md)');
  console.log(
    '  not included: Athena ($5/TB scanned, per query), data transfer out (none in normal operation), free tiers',
  );

  const backfillMeasured = readBackfillMeasurements(
    path.join('bench-results', 'warc.json'),
    path.join('bench-results', 'pipeline.json'),
  );
  printBackfill(backfillCosts(inputs, settings, backfillMeasured), backfillMeasured);
}

export type { CostLine, CostOptions };

const invokedDirectly =
  process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) main();
