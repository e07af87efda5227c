/**
 * Spacing for one host: the configured minimum, or robots.txt's Crawl-delay when longer.
 * @example
 * hostIntervalMs(1000, 5000); // 5000
 */
export function hostIntervalMs(defaultMinIntervalMs: number, crawlDelayMs?: number): number {
  return Math.max(defaultMinIntervalMs, crawlDelayMs ?? 0);
}
