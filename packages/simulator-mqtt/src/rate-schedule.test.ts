import { describe, expect, it } from 'vitest';
import type { SimTag } from '@shopfloor/simulator';
import { isDue, markPublished, rateClasses } from './rate-schedule.ts';

const tag = (index: number, rateHz: number): SimTag => ({
  index,
  path: `a/m/t${index}`,
  machine: 'a/m',
  name: `t${index}`,
  dataType: 'float',
  writable: false,
  rateHz,
  description: '',
});

describe('rateClasses', () => {
  it('groups tags by period, fastest first, each due at the first tick and then on its grid in simulated time', () => {
    const tags = [tag(0, 1), tag(1, 2), tag(2, 1), tag(3, 0.5)];
    const classes = rateClasses(tags, [0, 1, 2, 3]);
    expect(classes.map((rateClass) => [rateClass.periodMs, rateClass.tags])).toEqual([
      [500, [1]],
      [1_000, [0, 2]],
      [2_000, [3]],
    ]);
    const due: number[][] = [];
    for (let at = 10_250; at <= 14_000; at += 250) {
      due.push(classes.filter((rateClass) => isDue(rateClass, at)).map((rateClass) => rateClass.periodMs));
      for (const rateClass of classes) if (isDue(rateClass, at)) markPublished(rateClass, at);
    }
    expect(due).toEqual([
      [500, 1_000, 2_000], // 10250: first tick
      [500], // 10500
      [],
      [500, 1_000], // 11000
      [],
      [500], // 11500
      [],
      [500, 1_000, 2_000], // 12000
      [],
      [500],
      [],
      [500, 1_000], // 13000
      [],
      [500],
      [],
      [500, 1_000, 2_000], // 14000
    ]);
  });

  it('publishes a tag faster than the ticks once per tick, and skips grid points a time jump passes over', () => {
    const [rateClass] = rateClasses([tag(0, 10)], [0]);
    markPublished(rateClass!, 1_000);
    expect(rateClass!.nextDueMs).toBe(1_100);
    markPublished(rateClass!, 5_050);
    expect(rateClass!.nextDueMs).toBe(5_100);
  });
});
