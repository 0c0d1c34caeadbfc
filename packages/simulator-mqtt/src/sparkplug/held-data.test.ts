import { describe, expect, it } from 'vitest';
import { HeldData } from './held-data.ts';

describe('HeldData', () => {
  it('keeps values in time order and lets the oldest give way when full, counting each', () => {
    const held = new HeldData(3);
    for (let tick = 1; tick <= 5; tick++) held.hold(tick, tick * 1_000, tick === 4 ? undefined : tick * 1.5);
    expect({ size: held.size, dropped: held.dropped, heldTotal: held.heldTotal }).toEqual({ size: 3, dropped: 2, heldTotal: 5 });
    expect(held.drain()).toEqual([
      { tag: 3, ts: 3_000, value: 4.5 },
      { tag: 4, ts: 4_000, value: undefined },
      { tag: 5, ts: 5_000, value: 7.5 },
    ]);
    expect(held.size).toBe(0);
    held.hold(9, 9_000, true);
    expect(held.drain()).toEqual([{ tag: 9, ts: 9_000, value: true }]);
  });

  it('with no room at all, counts every value as dropped', () => {
    const held = new HeldData(0);
    held.hold(1, 1, 1);
    expect({ size: held.size, dropped: held.dropped }).toEqual({ size: 0, dropped: 1 });
  });
});
