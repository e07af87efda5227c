import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { loadConfig } from '../config';
import { emptyBackfillCounts, type BackfillCounts } from '../core/warc/backfill-counts';
import { checkBackfillFilters } from '../core/warc/record-filter';
import { InvalidInputError } from '../errors';
import { createLogger } from '../observability/logger';
import { BACKFILL_SERVICE_NAME } from '../observability/names';
import type { ArchiveRecordSource } from '../ports/archive-record-source';
import { backfillArchiveFile, type BackfillProblem } from '../pipeline/backfill-archive-file';
import type { PipelineDeps } from '../pipeline/deps';
import { createAwsDeps } from './aws-deps';
import { pipelineLogFrom } from './lambda-observability';

/**
 * Backfill item Lambda: one WARC file of a backfill run (a Step Functions Distributed Map item,
 * infra/constructs/backfill.ts), streamed from S3 through the same process step as the crawl
 * Lambda. It reads until the file ends or the invocation is close to its timeout, and returns a
 * checkpoint; the state machine calls it again with that checkpoint until `done`, so a WARC of any
 * size is read in several invocations without double counts. A retryable error (DynamoDB
 * throttling past the client's retries, S3 5xx) is thrown: the state machine retries the call from
 * the last checkpoint, which the retry's records then redo (processing is idempotent).
 */

/** Stop taking records when less than this is left: a record takes well under a second. */
export const BACKFILL_TIME_MARGIN_MS = 30_000;
/** Problems returned per invocation (the state carries them; Step Functions caps a state at 256 KB). */
export const MAX_PROBLEMS_RETURNED = 20;

const countsSchema = z.object({
  records: z.number().int().nonnegative(),
  processed: z.number().int().nonnegative(),
  stored: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  skipped: z.record(z.string(), z.number().int().nonnegative()),
  damaged: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});

const problemSchema = z.object({
  location: z.string(),
  offset: z.number(),
  url: z.string().optional(),
  reason: z.string(),
});

/** The event: one Map item (bucket and key of a WARC), the run's filters, and where it got to. */
export const backfillItemSchema = z.object({
  bucket: z.string().min(3),
  key: z.string().min(1),
  filters: z
    .object({
      hosts: z.array(z.string()).optional(),
      languages: z.array(z.string()).optional(),
      from: z.string().optional(),
      to: z.string().optional(),
    })
    .optional(),
  checkpoint: z.object({ nextOffset: z.number().int().nonnegative(), counts: countsSchema }).optional(),
  /** Problems reported by the file's earlier invocations (kept, up to the cap). */
  damaged: z.array(problemSchema).optional(),
  failed: z.array(problemSchema).optional(),
});
export type BackfillItem = z.infer<typeof backfillItemSchema>;

/** What an invocation returns: the next call's event, plus `done` and this file's problems so far. */
export interface BackfillItemResult extends BackfillItem {
  checkpoint: { nextOffset: number; counts: BackfillCounts };
  done: boolean;
  damaged: BackfillProblem[];
  failed: BackfillProblem[];
}

/** Everything the handler needs, injected for tests. */
export interface BackfillHandlerDeps {
  pipeline: PipelineDeps;
  source: ArchiveRecordSource;
  /** Records processed at once: hides DynamoDB and S3 latency. */
  recordConcurrency: number;
  timeMarginMs?: number;
}

/** Builds the handler around injected dependencies. */
export function makeHandler(deps: BackfillHandlerDeps) {
  return async (
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<BackfillItemResult> => {
    const parsed = backfillItemSchema.safeParse(event);
    if (!parsed.success)
      throw new InvalidInputError(
        `backfill item: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`,
      );
    const item = parsed.data;
    const problems = checkBackfillFilters(item.filters ?? {});
    if (problems.length) throw new InvalidInputError(`backfill item filters: ${problems.join('; ')}`);
    const location = `s3://${item.bucket}/${item.key}`;
    const margin = deps.timeMarginMs ?? BACKFILL_TIME_MARGIN_MS;
    const result = await backfillArchiveFile(deps.pipeline, deps.source, location, {
      filters: item.filters,
      concurrency: deps.recordConcurrency,
      fromCheckpoint: item.checkpoint && {
        location,
        nextOffset: item.checkpoint.nextOffset,
        counts: item.checkpoint.counts,
        done: false,
        updatedAt: deps.pipeline.now().toISOString(),
      },
      shouldStop: () => context.getRemainingTimeInMillis() < margin,
    });
    deps.pipeline.log.info('backfill item progress', {
      location,
      nextOffset: result.checkpoint.nextOffset,
      done: result.checkpoint.done,
      invocation: result.counts,
    });
    return {
      ...item,
      checkpoint: { nextOffset: result.checkpoint.nextOffset, counts: result.checkpoint.counts },
      done: result.checkpoint.done,
      damaged: [...(item.damaged ?? []), ...result.damaged].slice(0, MAX_PROBLEMS_RETURNED),
      failed: [...(item.failed ?? []), ...result.failed].slice(0, MAX_PROBLEMS_RETURNED),
    };
  };
}

/** Zero counts, for a state machine that starts an item without a checkpoint. */
export const INITIAL_COUNTS = emptyBackfillCounts();

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: unknown, context: Context) => {
  if (!cached) {
    const config = loadConfig(process.env);
    const log = pipelineLogFrom(createLogger({ serviceName: BACKFILL_SERVICE_NAME }));
    // Backfill sends no crawl work: a placeholder URL spares it a CRAWL_QUEUE_URL it does not use.
    const pipeline = createAwsDeps(
      { ...config, crawlQueueUrl: config.crawlQueueUrl ?? 'https://sqs.invalid/unused' },
      log,
    );
    cached = makeHandler({
      pipeline,
      source: pipeline.archiveRecords,
      recordConcurrency: config.backfillRecordConcurrency,
    });
  }
  return cached(event, context);
};
