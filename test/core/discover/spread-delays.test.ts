import { describe, expect, it } from 'vitest';
import { spreadDelaysMs } from '../../../functions/core/discover/spread-delays';

describe('spreadDelaysMs', () => {
  it('releases messages evenly over the spread, the first at once', () => {
    expect(spreadDelaysMs(4, 900_000)).toEqual([0, 225_000, 450_000, 675_000]);
    const delays = spreadDelaysMs(1_250, 900_000);
    expect(delays).toHaveLength(1_250);
    expect(Math.max(...delays)).toBeLessThan(900_000);
    // Even: every 15 s slice of the spread gets the same number of messages, within one.
    const perSlice = new Map<number, number>();
    for (const d of delays)
      perSlice.set(Math.floor(d / 15_000), (perSlice.get(Math.floor(d / 15_000)) ?? 0) + 1);
    expect(perSlice.size).toBe(60);
    expect(Math.max(...perSlice.values()) - Math.min(...perSlice.values())).toBeLessThanOrEqual(1);
  });

  it('sends everything at once without a spread, and handles empty and single runs', () => {
    expect(spreadDelaysMs(3, 0)).toEqual([0, 0, 0]);
    expect(spreadDelaysMs(1, 900_000)).toEqual([0]);
    expect(spreadDelaysMs(0, 900_000)).toEqual([]);
  });
});
