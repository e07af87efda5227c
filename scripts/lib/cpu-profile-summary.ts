/**
 * Where a process's CPU went, from a V8 `.cpuprofile` (written by `node --cpu-prof`): self time
 * summed per area (a dependency package, a directory of ours, or the runtime) and per function,
 * printed as two short tables. Used by `bench:crawl` to show what bounds its throughput.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row of a summary: a name and its share of the sampled time. */
export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

/** Self time per area and per function of one profile. */
export interface ProfileSummary {
  totalMs: number;
  byArea: ProfileRow[];
  byFunction: ProfileRow[];
}

/**
 * The area a frame belongs to: `node_modules/<package>`, our own `functions/<dir>` or
 * `scripts`/`test`, `(garbage collector)`, `(idle)`, or `(node internals)`.
 */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const ours = /\/(functions\/[^/]+|scripts|test)\//.exec(url);
  if (ours) return ours[1];
  if (url.startsWith('node:')) return '(node internals)';
  return '(other)';
}

/**
 * Reads a `.cpuprofile` and sums self time per area and per function.
 *
 * @example
 * const summary = await summarizeCpuProfile('/tmp/prof/CPU.123.cpuprofile');
 * console.log(formatProfileSummary(summary));
 */
export async function summarizeCpuProfile(file: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    totalUs += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = url
      ? `${url.replace(/^.*\/(node_modules|functions|scripts|test)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: totalUs ? us / totalUs : 0 }));
  return { totalMs: Math.round(totalUs / 1000), byArea: rows(areas), byFunction: rows(functions) };
}

/** The summary as two aligned tables (busy time only: idle samples are left out). */
export function formatProfileSummary(summary: ProfileSummary): string {
  const table = (rows: ProfileRow[]) =>
    rows
      .map((r) => `  ${(r.share * 100).toFixed(1).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`)
      .join('\n');
  return [
    `CPU profile of the worker: ${summary.totalMs} ms busy (self time; idle left out)`,
    'by area:',
    table(summary.byArea),
    'by function:',
    table(summary.byFunction),
  ].join('\n');
}
