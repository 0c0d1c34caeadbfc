import type { Bucket, PointStore } from '@shopfloor/engine';
import { expect, it } from 'vitest';
import { baseTs, point, shuffled } from './fixtures.ts';

const tag = 'acme/p1/press/p4/oil-temp';
/** Second after `baseTs` → value, written in a scrambled order. */
const samples: readonly [number, number][] = [
  [-1, 1_000],
  [0, 10],
  [10, 20],
  [20, 30],
  [30, 5],
  [45, 15],
  [90, 40],
  [100, -4],
  [119, 9],
  [120, 2],
  [130, 7],
  [170, 3],
  [180, 999],
];

function bucket(start: number, end: number, values: readonly number[]): Bucket {
  const sum = values.reduce((total, value) => total + value, 0);
  return {
    start: baseTs + start,
    end: baseTs + end,
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    avg: sum / values.length,
    sum,
    first: values[0] as number,
    last: values[values.length - 1] as number,
  };
}

/** Bucketed reads; registered inside the `pointStoreContract` describe, which opens and closes the store. */
export function pointStoreReadContract(current: () => PointStore): void {
  const writeSamples = async (store: PointStore): Promise<void> => {
    const points = shuffled(
      samples.map(([second, value]) => point(tag, baseTs + second * 1_000, value)),
      5,
    );
    await store.write(points.slice(0, 6));
    await store.write(points.slice(6));
  };

  it('downsamples into equal buckets, returning only buckets that hold points', async () => {
    const store = current();
    await writeSamples(store);
    expect(await store.downsample(tag, { from: baseTs, to: baseTs + 120_000 }, 4)).toEqual([
      { start: baseTs, end: baseTs + 30_000, count: 3, min: 10, max: 30, avg: 20, sum: 60, first: 10, last: 30 },
      { start: baseTs + 30_000, end: baseTs + 60_000, count: 2, min: 5, max: 15, avg: 10, sum: 20, first: 5, last: 15 },
      { start: baseTs + 90_000, end: baseTs + 120_000, count: 3, min: -4, max: 40, avg: 15, sum: 45, first: 40, last: 9 },
    ]);
    expect(await store.downsample(tag, { from: baseTs, to: baseTs + 120_000 }, 1)).toEqual([bucket(0, 120_000, [10, 20, 30, 5, 15, 40, -4, 9])]);
  });

  it('aggregates into fixed windows aligned to the epoch', async () => {
    const store = current();
    await writeSamples(store);
    expect(await store.aggregate(tag, { from: baseTs + 25_000, to: baseTs + 180_000 }, 60_000)).toEqual([
      { start: baseTs, end: baseTs + 60_000, count: 2, min: 5, max: 15, avg: 10, sum: 20, first: 5, last: 15 },
      { start: baseTs + 60_000, end: baseTs + 120_000, count: 3, min: -4, max: 40, avg: 15, sum: 45, first: 40, last: 9 },
      { start: baseTs + 120_000, end: baseTs + 180_000, count: 3, min: 2, max: 7, avg: 4, sum: 12, first: 2, last: 3 },
    ]);
    expect(await store.aggregate(tag, { from: baseTs, to: baseTs + 86_400_000 }, 86_400_000)).toEqual([
      bucket(0, 86_400_000, [10, 20, 30, 5, 15, 40, -4, 9, 2, 7, 3, 999]),
    ]);
  });

  it('buckets booleans as 0 and 1', async () => {
    const store = current();
    const running = 'acme/p1/press/p4/running';
    await store.write([true, false, true, true].map((value, second) => point(running, baseTs + second * 1_000, value)));
    expect(await store.downsample(running, { from: baseTs, to: baseTs + 4_000 }, 2)).toEqual([bucket(0, 2_000, [1, 0]), bucket(2_000, 4_000, [1, 1])]);
    expect(await store.aggregate(running, { from: baseTs, to: baseTs + 4_000 }, 60_000)).toEqual([bucket(0, 60_000, [1, 0, 1, 1])]);
  });

  it('refuses to bucket a string tag, naming it', async () => {
    const store = current();
    const state = 'acme/p1/press/p4/state';
    await store.write([point(state, baseTs, 'RUNNING')]);
    const window = { from: baseTs, to: baseTs + 1_000 };
    await expect(store.downsample(state, window, 10)).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining(state) as unknown });
    await expect(store.aggregate(state, window, 1_000)).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining(state) as unknown });
  });

  it('returns nothing for a tag it never stored, and nothing for an empty window', async () => {
    const store = current();
    await writeSamples(store);
    const unknown = 'acme/p1/press/p4/unknown';
    const window = { from: baseTs, to: baseTs + 60_000 };
    expect(await store.range(unknown, window)).toEqual([]);
    expect(await store.downsample(unknown, window, 10)).toEqual([]);
    expect(await store.aggregate(unknown, window, 1_000)).toEqual([]);
    expect(await store.latest([unknown])).toEqual(new Map());
    expect(await store.tags()).toEqual([tag]);
    const quiet = { from: baseTs + 50_000, to: baseTs + 90_000 };
    expect(await store.range(tag, quiet)).toEqual([]);
    expect(await store.downsample(tag, quiet, 4)).toEqual([]);
    expect(await store.aggregate(tag, quiet, 10_000)).toEqual([]);
  });

  it('starts empty', async () => {
    const store = current();
    expect(await store.tags()).toEqual([]);
    expect(await store.write([])).toEqual({ stored: 0, rejected: [] });
  });
}
