import type { PointStore } from '@shopfloor/engine';
import type { Point, Quality } from '@shopfloor/model';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseTs, byTs, point, shuffled } from './fixtures.ts';
import { pointStoreReadContract } from './point-store-read-contract.ts';

/**
 * The behaviour every PointStore adapter must show. Run it unchanged against each adapter;
 * `open` gives a fresh, empty store for every test.
 */
export function pointStoreContract(adapter: string, open: () => Promise<PointStore>): void {
  describe(`PointStore contract (${adapter})`, () => {
    let store: PointStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns numbers, booleans and strings with their qualities as written', async () => {
      const numbers = [
        point('acme/p1/press/p4/oil-temp', baseTs, 71.5),
        point('acme/p1/press/p4/oil-temp', baseTs + 1_000, -3.25, 'uncertain'),
        point('acme/p1/press/p4/oil-temp', baseTs + 2_000, 0, 'bad'),
      ];
      const booleans = [point('acme/p1/press/p4/running', baseTs, true), point('acme/p1/press/p4/running', baseTs + 500, false, 'uncertain')];
      const strings = [
        point('acme/p1/press/p4/state', baseTs, 'RUNNING'),
        point('acme/p1/press/p4/state', baseTs + 1, '', 'bad'),
        point('acme/p1/press/p4/state', baseTs + 2, 'Überdruck ✓ 圧力'),
      ];
      const receipt = await store.write([...numbers, ...booleans, ...strings]);
      expect(receipt).toEqual({ stored: 8, rejected: [] });
      const window = { from: baseTs - 60_000, to: baseTs + 60_000 };
      expect(await store.range('acme/p1/press/p4/oil-temp', window)).toEqual(numbers);
      expect(await store.range('acme/p1/press/p4/running', window)).toEqual(booleans);
      expect(await store.range('acme/p1/press/p4/state', window)).toEqual(strings);
    });

    it('stores a point written twice only once, the last write winning', async () => {
      const first = point('acme/p1/press/p4/oil-temp', baseTs + 1_000, 71.5);
      const again = point('acme/p1/press/p4/oil-temp', baseTs + 1_000, 72, 'uncertain');
      await store.write([first]);
      await store.write([first]);
      expect(await store.write([again])).toEqual({ stored: 1, rejected: [] });
      const window = { from: baseTs, to: baseTs + 2_000 };
      expect(await store.range(first.tag, window)).toEqual([again]);
      const inOneBatch = [point('acme/p1/press/p4/state', baseTs, 'a'), point('acme/p1/press/p4/state', baseTs, 'b', 'bad')];
      expect(await store.write(inOneBatch)).toEqual({ stored: 1, rejected: [] });
      expect(await store.range('acme/p1/press/p4/state', window)).toEqual([inOneBatch[1]]);
    });

    it('skips a point of another kind than its tag holds, stores the rest of the batch and reports the point', async () => {
      const temperature = 'acme/p1/press/p4/oil-temp';
      const state = 'acme/p1/press/p4/state';
      const running = 'acme/p1/press/p4/running';
      await store.write([point(temperature, baseTs, 70), point(state, baseTs, 'RUNNING'), point(running, baseTs, true)]);
      const wrongKinds = [point(temperature, baseTs + 2_000, true), point(state, baseTs + 2_000, 3), point(running, baseTs + 2_000, 'yes')];
      const innocent = [point(temperature, baseTs + 1_000, 71), point(state, baseTs + 1_000, 'IDLE'), point(running, baseTs + 1_000, false)];
      const receipt = await store.write([innocent[0], wrongKinds[0], innocent[1], wrongKinds[1], wrongKinds[2], innocent[2]] as Point[]);
      expect(receipt.stored).toBe(3);
      expect(receipt.rejected.map(({ tag, ts, reason }) => ({ tag, ts, reason }))).toEqual(
        wrongKinds.map(({ tag, ts }) => ({ tag, ts, reason: 'wrong-type' })),
      );
      for (const rejection of receipt.rejected) expect(rejection.detail).toContain(rejection.tag);
      const window = { from: baseTs, to: baseTs + 60_000 };
      expect(await store.range(temperature, window)).toEqual([point(temperature, baseTs, 70), innocent[0]]);
      expect(await store.range(state, window)).toEqual([point(state, baseTs, 'RUNNING'), innocent[1]]);
      expect(await store.range(running, window)).toEqual([point(running, baseTs, true), innocent[2]]);
      expect((await store.latest([temperature])).get(temperature)).toEqual(innocent[0]);
    });

    it('skips non-finite values, bad timestamps and unknown qualities; a tag with no stored point stays unknown', async () => {
      const tag = 'acme/p1/press/p4/pressure';
      const never = 'acme/p1/press/p4/never-stored';
      const good = point(tag, baseTs + 3, 180);
      const receipt = await store.write([
        point(tag, baseTs, Number.NaN),
        point(tag, baseTs + 1, Number.POSITIVE_INFINITY),
        point(tag, Number.NaN, 1),
        point(tag, Number.POSITIVE_INFINITY, 1),
        { ...point(tag, baseTs + 2, 1), quality: 'fine' as Quality },
        point(never, baseTs, Number.NEGATIVE_INFINITY),
        good,
      ]);
      expect(receipt.stored).toBe(1);
      expect(receipt.rejected.map(({ tag: rejectedTag, reason }) => [rejectedTag, reason])).toEqual([
        [tag, 'not-finite'],
        [tag, 'not-finite'],
        [tag, 'bad-timestamp'],
        [tag, 'bad-timestamp'],
        [tag, 'bad-quality'],
        [never, 'not-finite'],
      ]);
      for (const rejection of receipt.rejected) expect(rejection.detail).toContain(rejection.tag);
      expect(await store.range(tag, { from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([good]);
      expect(await store.tags()).toEqual([tag]);
      expect(await store.latest([never])).toEqual(new Map());
      const allBad = await store.write([point(tag, baseTs + 4, Number.NaN)]);
      expect(allBad).toMatchObject({ stored: 0, rejected: [{ tag, ts: baseTs + 4, reason: 'not-finite' }] });
      const later = point(never, baseTs + 5, 'the first stored point decides the kind');
      expect(await store.write([later])).toEqual({ stored: 1, rejected: [] });
      expect(await store.range(never, { from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([later]);
    });

    it('reads the window half-open, [from, to), and honours the limit', async () => {
      const tag = 'acme/p1/press/p4/oil-temp';
      const points = Array.from({ length: 20 }, (_, index) => point(tag, baseTs + index * 15_000, index));
      await store.write(points);
      const minute = { from: baseTs + 60_000, to: baseTs + 120_000 };
      expect(await store.range(tag, minute)).toEqual(points.slice(4, 8));
      expect(await store.range(tag, minute, { limit: 2 })).toEqual(points.slice(4, 6));
      expect(await store.range(tag, minute, { limit: 100 })).toEqual(points.slice(4, 8));
      expect(await store.range(tag, { from: baseTs + 60_000, to: baseTs + 60_000 })).toEqual([]);
      expect(await store.range(tag, { from: baseTs + 60_001, to: baseTs + 75_001 })).toEqual([points[5]]);
      expect(await store.range(tag, { from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual(points);
    });

    it('keeps the newest point of each tag as latest, whatever order points arrive in', async () => {
      const pressure = point('acme/p1/press/p4/pressure', baseTs + 10_000, 180);
      const running = point('acme/p1/press/p4/running', baseTs + 5_000, true);
      await store.write([pressure, running]);
      await store.write([point(pressure.tag, baseTs + 1_000, 999), point(running.tag, baseTs - 86_400_000, false)]);
      expect(await store.latest([pressure.tag, running.tag, 'acme/p1/press/p4/unknown'])).toEqual(
        new Map([
          [pressure.tag, pressure],
          [running.tag, running],
        ]),
      );
      const rewritten = point(pressure.tag, pressure.ts, 181, 'uncertain');
      await store.write([rewritten]);
      expect(await store.latest([pressure.tag])).toEqual(new Map([[pressure.tag, rewritten]]));
      expect(await store.latest([])).toEqual(new Map());
    });

    it('returns points in time order after out-of-order writes', async () => {
      const tag = 'acme/p1/press/p4/oil-temp';
      const offsets = [0, 1, 59_999, 60_000, 60_001, 3_599_999, 3_600_000, -86_400_000, -1, 7 * 86_400_000, 30_000, 90_000];
      const points = offsets.map((offset, index) => point(tag, baseTs + offset, index));
      const order = shuffled(points, 11);
      await store.write(order.slice(0, 5));
      await store.write(order.slice(5, 6));
      await store.write(order.slice(6));
      expect(await store.range(tag, { from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([...points].sort(byTs));
    });

    it('keeps many tags apart', async () => {
      const tags = Array.from({ length: 300 }, (_, index) => `acme/p1/area${index % 3}/line${index % 7}/m${index}/speed`);
      const batch: Point[] = [];
      for (let second = 0; second < 20; second++)
        for (const [index, tag] of tags.entries()) batch.push(point(tag, baseTs + second * 1_000, index * 1_000 + second));
      expect(await store.write(batch)).toEqual({ stored: 6_000, rejected: [] });
      expect((await store.tags()).sort()).toEqual([...tags].sort());
      const latest = await store.latest(tags);
      expect(latest.size).toBe(300);
      expect(latest.get(tags[123] as string)).toEqual(point(tags[123] as string, baseTs + 19_000, 123_019));
      const window = { from: baseTs, to: baseTs + 60_000 };
      expect(await store.range(tags[42] as string, window)).toEqual(
        Array.from({ length: 20 }, (_, second) => point(tags[42] as string, baseTs + second * 1_000, 42_000 + second)),
      );
    });

    it('agrees with a simple model under random batches of writes', async () => {
      let run = 0;
      const tagNames = ['a', 'b', 'c'];
      const arbitraryPoint = fc.record({
        tag: fc.constantFrom(...tagNames),
        second: fc.integer({ min: 0, max: 200 }),
        value: fc.integer({ min: -1_000, max: 1_000 }),
        quality: fc.constantFrom('good' as const, 'uncertain' as const, 'bad' as const),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(arbitraryPoint, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 6 }), async (batches) => {
          const prefix = `model/run${run++}`;
          const expected = new Map<string, Map<number, Point>>();
          for (const batch of batches) {
            const points = batch.map((entry) => point(`${prefix}/${entry.tag}`, baseTs + entry.second * 500, entry.value / 4, entry.quality));
            await store.write(points);
            for (const written of points) {
              const byTime = expected.get(written.tag) ?? new Map<number, Point>();
              byTime.set(written.ts, written);
              expected.set(written.tag, byTime);
            }
          }
          for (const [tag, byTime] of expected) {
            const all = [...byTime.values()].sort(byTs);
            expect(await store.range(tag, { from: baseTs, to: baseTs + 200_000 })).toEqual(all);
            expect((await store.latest([tag])).get(tag)).toEqual(all[all.length - 1]);
          }
        }),
        { numRuns: 25 },
      );
    });

    pointStoreReadContract(() => store);
  });
}
