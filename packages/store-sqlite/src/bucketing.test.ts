import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketAccumulator, bucketsFromFlat } from './bucketing.ts';

describe('BucketAccumulator', () => {
  it('agrees with a naive grouping for equal parts and aligned windows', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 9_999 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 3_000 }),
        (times, parts, windowMs) => {
          const sorted = [...times].sort((left, right) => left - right);
          const valueOf = (ts: number): number => (ts % 17) - 8;
          const naive = (keyOf: (ts: number) => number, bounds: (key: number) => [number, number]) => {
            const groups = new Map<number, number[]>();
            for (const ts of sorted) groups.set(keyOf(ts), [...(groups.get(keyOf(ts)) ?? []), valueOf(ts)]);
            return [...groups].map(([key, values]) => {
              const sum = values.reduce((total, value) => total + value, 0);
              const [start, end] = bounds(key);
              return {
                start,
                end,
                count: values.length,
                min: Math.min(...values),
                max: Math.max(...values),
                avg: sum / values.length,
                sum,
                first: values[0],
                last: values[values.length - 1],
              };
            });
          };
          const equal = BucketAccumulator.equalParts(0, 10_000, parts);
          const aligned = BucketAccumulator.alignedWindows(windowMs);
          for (const ts of sorted) {
            equal.add(ts, valueOf(ts));
            aligned.add(ts, valueOf(ts));
          }
          expect(bucketsFromFlat(equal.result())).toEqual(
            naive(
              (ts) => Math.floor((ts * parts) / 10_000),
              (key) => [(key * 10_000) / parts, ((key + 1) * 10_000) / parts],
            ),
          );
          expect(bucketsFromFlat(aligned.result())).toEqual(
            naive(
              (ts) => Math.floor(ts / windowMs),
              (key) => [key * windowMs, (key + 1) * windowMs],
            ),
          );
        },
      ),
    );
  });
});
