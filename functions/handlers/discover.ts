import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig, type Config } from '../config';
import { parseSources, type Source } from '../core/sources';
import { ConfigError } from '../errors';
import type { PipelineDeps } from '../pipeline/deps';
import { discoverDueSources } from '../pipeline/discover-due';
import type { DiscoverReport } from '../pipeline/discover-source';
import { AWS_FAILED_OVERDUE_MS, recoverPending, type RecoverReport } from '../pipeline/recover-pending';
import { createLogger } from '../observability/logger';
import { DISCOVER_SERVICE_NAME } from '../observability/names';
import { createAwsDeps } from './aws-deps';
import { pipelineLogFrom } from './lambda-observability';

/** Scheduler input: optionally limit the run to some source ids, or run sources not yet due. */
export interface DiscoverEvent {
  sourceIds?: string[];
  /** Discover even sources whose schedule is not due (sources named in `sourceIds` always run). */
  force?: boolean;
}

/**
 * Discover Lambda: reads the sources file, discovers each due source's new or changed URLs and
 * queues them (the scheduler fires on the finest cadence; sources whose own schedule is not due
 * are skipped), then sweeps the frontier for failures overdue for retry (their retry message was
 * lost or parked) and re-enqueues them. One source's failure is reported and the others go on.
 */
export function makeHandler(deps: PipelineDeps, loadSources: () => Promise<Source[]>) {
  return async (
    event: DiscoverEvent = {},
  ): Promise<{ reports: DiscoverReport[]; notDue: string[]; recovered: RecoverReport }> => {
    const all = await loadSources();
    const enabled = all.filter((s) => s.enabled);
    const named = Boolean(event.sourceIds?.length);
    const wanted = named ? enabled.filter((s) => event.sourceIds!.includes(s.id)) : enabled;
    const { reports, notDue } = await discoverDueSources(deps, wanted, {
      checkSchedule: !named && !event.force,
      onReport: (source, report) =>
        deps.log.info('discovered', {
          sourceId: source.id,
          found: report.urlsFound,
          queued: report.urlsQueued,
          errors: report.errors.length,
        }),
    });
    // Due failures only: queued URLs are in no list on AWS (no index entry per claim: 2 write
    // units saved per URL). A lost crawl message waits in the crawl DLQ for a redrive; a claim whose
    // message was never sent is re-claimed by discovery above once stale.
    const recovered = await recoverPending(deps, all, {
      includeQueued: false,
      failedOverdueMs: AWS_FAILED_OVERDUE_MS,
      markRemovedSources: true,
    });
    return { reports, notDue, recovered };
  };
}

/** Reads the sources file from `s3://bucket/key`. */
export function s3SourcesLoader(config: Config, s3: S3Client): () => Promise<Source[]> {
  return async () => {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(config.sourcesUri ?? '');
    if (!match)
      throw new ConfigError(`SOURCES_URI must be s3://bucket/key, got "${config.sourcesUri ?? ''}"`);
    const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
    const text = (await object.Body?.transformToString('utf-8')) ?? '';
    return parseSources(text, config.sourcesUri!);
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: DiscoverEvent) => {
  if (!cached) {
    const config = loadConfig(process.env);
    const deps = createAwsDeps(config, pipelineLogFrom(createLogger({ serviceName: DISCOVER_SERVICE_NAME })));
    cached = makeHandler(deps, s3SourcesLoader(config, deps.s3));
  }
  return cached(event);
};
