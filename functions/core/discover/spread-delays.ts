/**
 * Delivery delays that release one discovery run's new URLs evenly over `spreadMs` instead of all
 * at once. An hourly run otherwise makes a burst of crawl work at the top of each hour: provisioned
 * DynamoDB capacity would have to be sized for the burst (or throttle), and a host's URLs would
 * wait on its politeness interval anyway. Message `i` of `count` is released at `i * spreadMs /
 * count`, so the run's first URL (the newest, as discovery orders them) goes at once.
 *
 * @example
 * spreadDelaysMs(4, 900_000); // => [0, 225000, 450000, 675000]
 */
export function spreadDelaysMs(count: number, spreadMs: number): number[] {
  if (!(spreadMs > 0) || count <= 1) return new Array<number>(Math.max(0, count)).fill(0);
  return Array.from({ length: count }, (_, i) => Math.floor((i * spreadMs) / count));
}
