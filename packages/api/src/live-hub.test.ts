import { describe, expect, it } from 'vitest';
import type { Point } from '@shopfloor/model';
import { LiveHub } from './live-hub.ts';

const point = (tag: string, ts: number, value: number): Point => ({ tag, ts, value, quality: 'good' });

describe('LiveHub', () => {
  it('never sends a subscriber a point older than one already sent for its tag (backlog after live data)', () => {
    const hub = new LiveHub();
    const received: Point[][] = [];
    hub.add({ filters: ['plant/#'], send: (points) => (received.push([...points]), true) });
    hub.observe([point('plant/a', 2_000, 2), point('plant/b', 1_000, 1)]);
    // An edge's backlog: older points of plant/a, and a newer one of plant/b.
    hub.observe([point('plant/a', 1_500, 1.5), point('plant/b', 1_500, 1.5), point('plant/a', 3_000, 3)]);
    expect(received).toEqual([
      [point('plant/a', 2_000, 2), point('plant/b', 1_000, 1)],
      [point('plant/b', 1_500, 1.5), point('plant/a', 3_000, 3)],
    ]);
    expect(hub.older).toBe(1);
  });

  it('keeps no state while nobody subscribes', () => {
    const hub = new LiveHub();
    hub.observe([point('plant/a', 2_000, 2)]);
    const received: Point[] = [];
    const remove = hub.add({ filters: ['#'], send: (points) => (received.push(...points), true) });
    hub.observe([point('plant/a', 1_000, 1)]);
    expect(received).toEqual([point('plant/a', 1_000, 1)]);
    remove();
    expect(hub.subscribers).toBe(0);
  });
});
