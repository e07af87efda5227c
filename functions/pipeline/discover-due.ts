import { isDue } from '../core/schedule';
import type { Source } from '../core/sources';
import type { PipelineDeps } from './deps';
import { discoverSource, type DiscoverReport } from './discover-source';

/** Options of {@link discoverDueSources}. */
export interface DiscoverDueOptions {
  /** Skip sources whose schedule is not due (judged against their last run in the frontier). */
  checkSchedule: boolean;
  /** Allow loopback/private addresses (local demo and tests only). */
  allowPrivateNetwork?: boolean;
  /** Called after each source is discovered, in order. */
  onReport?: (source: Source, report: DiscoverReport) => void;
}

/**
 * The "is this source due" loop, shared by the discover Lambda and the local ingest run: for each
 * source in order, skips it when `checkSchedule` and its schedule is not due (`core/schedule.ts`,
 * phased by the source id), else discovers it. Sources are taken as given (filter disabled ones
 * first). One source's discovery errors are in its report; the others still run.
 *
 * @example
 * const { reports, notDue } = await discoverDueSources(deps, sources.filter((s) => s.enabled), {
 *   checkSchedule: true,
 * });
 */
export async function discoverDueSources(
  deps: PipelineDeps,
  sources: readonly Source[],
  options: DiscoverDueOptions,
): Promise<{ reports: DiscoverReport[]; notDue: string[] }> {
  const reports: DiscoverReport[] = [];
  const notDue: string[] = [];
  for (const source of sources) {
    if (options.checkSchedule) {
      const lastRun = await deps.frontier.getSourceRun(source.id);
      if (!isDue(source.schedule, lastRun?.lastRunAt, deps.now().toISOString(), source.id)) {
        notDue.push(source.id);
        continue;
      }
    }
    const report = await discoverSource(deps, source, options.allowPrivateNetwork);
    options.onReport?.(source, report);
    reports.push(report);
  }
  return { reports, notDue };
}
