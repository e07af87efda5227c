import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig, type Config } from '../config';
import { parseSources, type Source } from '../core/sources';
import { ConfigError } from '../errors';
import type { PipelineDeps } from '../pipeline/deps';
import { discoverSource, type DiscoverReport } from '../pipeline/discover-source';
import { createAwsDeps } from './aws-deps';

/** Scheduler input: optionally limit the run to some source ids. */
export interface DiscoverEvent {
  sourceIds?: string[];
}

/**
 * Discover Lambda: reads the sources file, discovers each source's new or changed URLs and
 * queues them. One source's failure is reported and the others go on.
 */
export function makeHandler(deps: PipelineDeps, loadSources: () => Promise<Source[]>) {
  return async (event: DiscoverEvent = {}): Promise<{ reports: DiscoverReport[] }> => {
    const all = await loadSources();
    const enabled = all.filter((s) => s.enabled);
    const wanted = event.sourceIds?.length ? enabled.filter((s) => event.sourceIds!.includes(s.id)) : enabled;
    const reports: DiscoverReport[] = [];
    for (const source of wanted) {
      const report = await discoverSource(deps, source);
      deps.log.info('discovered', { sourceId: source.id, found: report.urlsFound, queued: report.urlsQueued, errors: report.errors.length });
      reports.push(report);
    }
    return { reports };
  };
}

/** Reads the sources file from `s3://bucket/key`. */
export function s3SourcesLoader(config: Config, s3: S3Client): () => Promise<Source[]> {
  return async () => {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(config.sourcesUri ?? '');
    if (!match) throw new ConfigError(`SOURCES_URI must be s3://bucket/key, got "${config.sourcesUri ?? ''}"`);
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
    const log = {
      info: (message: string, fields?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'INFO', message, ...fields })),
      warn: (message: string, fields?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'WARN', message, ...fields })),
    };
    const deps = createAwsDeps(config, log);
    cached = makeHandler(deps, s3SourcesLoader(config, deps.s3));
  }
  return cached(event);
};
