import { describe, expect, it } from 'vitest';
import { timeTicks, valueTicks } from '../../renderer/charts/chart-ticks.js';

describe('chart ticks', () => {
  it('places round local times across the range, a handful of them', () => {
    const to = Date.UTC(2024, 0, 8, 12, 0, 0);
    for (const span of [15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000]) {
      const ticks = timeTicks(to - span, to);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(8);
      for (const t of ticks) expect(t).toBeGreaterThanOrEqual(to - span);
      for (const t of ticks) expect(t).toBeLessThanOrEqual(to);
      for (const t of ticks) expect(new Date(t).getSeconds()).toBe(0);
    }
  });

  it('covers the maximum with round steps from zero', () => {
    expect(valueTicks(9_000)).toEqual([0, 2500, 5000, 7500, 10000]);
    expect(valueTicks(3)).toEqual([0, 1, 2, 3]);
    expect(valueTicks(0)).toEqual([0, 1]);
    expect(valueTicks(0.4, 4, false).at(-1)).toBeGreaterThanOrEqual(0.4);
  });
});
