import { statSync } from 'node:fs';
import { createSilentLogger } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlitePointStore, sqlitePointStoreDefaults } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const dir = tempDir('sf-retain');
afterAll(() => dir.remove());
const deps = { logger: createSilentLogger() };
const start = Date.UTC(2024, 0, 1);
const minute = 60_000;
const everything = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** `minutes` minutes of 1 Hz points for each tag, from `start`. */
function series(tags: readonly string[], minutes: number): Point[] {
  const points: Point[] = [];
  for (let second = 0; second < minutes * 60; second++) {
    for (const tag of tags) points.push({ tag, ts: start + second * 1_000, value: Math.sin(second / 10) * 100 + second, quality: 'good' });
  }
  return points;
}

describe('SqlitePointStore retention', () => {
  it('removes whole chunks older than the cutoff and keeps the rest readable', async () => {
    const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file: dir.file('age.db'), chunkSeconds: 60 }, deps);
    try {
      await store.write(series(['a/b/speed', 'a/b/temp'], 10));
      // Cut at 4.5 min: the chunks of minutes 0–3 end by then; minute 4's chunk straddles the cut and stays whole.
      const outcome = await store.retain({ before: start + 4.5 * minute });
      expect(outcome.deletedChunks).toBe(2 * 4);
      expect(outcome.deletedPoints).toBe(2 * 4 * 60);
      expect(outcome.boundary).toBe(start + 4 * minute);
      const kept = await store.range('a/b/speed', everything);
      expect(kept).toHaveLength(6 * 60);
      expect(kept[0]?.ts).toBe(start + 4 * minute);
      expect(kept.at(-1)?.ts).toBe(start + 10 * minute - 1_000);
      // The latest value is untouched and new writes still land.
      expect((await store.latest(['a/b/temp'])).get('a/b/temp')?.ts).toBe(start + 10 * minute - 1_000);
      await store.write([{ tag: 'a/b/speed', ts: start + 11 * minute, value: 1, quality: 'good' }]);
      expect(await store.range('a/b/speed', { from: start + 11 * minute, to: start + 12 * minute })).toHaveLength(1);
      // A second pass with the same cutoff removes nothing more.
      expect((await store.retain({ before: start + 4.5 * minute })).deletedChunks).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('keeps the file within a size budget by removing the oldest chunks first, never the newest', async () => {
    const file = dir.file('size.db');
    const tags = Array.from({ length: 40 }, (_, index) => `a/line/m${index}/value`);
    const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file, chunkSeconds: 60 }, deps);
    try {
      await store.write(series(tags, 30));
      const before = await store.retain({});
      expect(before.deletedChunks).toBe(0);
      const budget = Math.floor(before.usedBytes / 3);
      const outcome = await store.retain({ maxBytes: budget });
      expect(outcome.usedBytes).toBeLessThanOrEqual(budget);
      expect(outcome.deletedChunks).toBeGreaterThan(0);
      // Whatever survives is the newest data, contiguous up to the end.
      const kept = await store.range('a/line/m7/value', everything);
      expect(kept[0]?.ts).toBe(outcome.boundary);
      expect(kept.at(-1)?.ts).toBe(start + 30 * minute - 1_000);
      expect(kept.length).toBe((start + 30 * minute - (outcome.boundary ?? 0)) / 1_000);
      // Freed pages are reused: writing the same amount again does not grow the file past where it was.
      const sizeAfterFirst = statSync(file).size;
      await store.write(series(tags, 30).map((point) => ({ ...point, ts: point.ts + 30 * minute })));
      await store.retain({ maxBytes: budget });
      await store.checkpoint();
      expect(statSync(file).size).toBeLessThanOrEqual(sizeAfterFirst * 1.1);
    } finally {
      await store.close();
    }
  });

  it('survives a reopen after retention without resurrecting removed chunks', async () => {
    const file = dir.file('reopen.db');
    const first = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file, chunkSeconds: 60 }, deps);
    await first.write(series(['x/y/z'], 5));
    await first.retain({ before: start + 3 * minute });
    await first.close();
    const second = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file, chunkSeconds: 60 }, deps);
    try {
      const kept = await second.range('x/y/z', everything);
      expect(kept).toHaveLength(2 * 60);
      expect(kept[0]?.ts).toBe(start + 3 * minute);
    } finally {
      await second.close();
    }
  });
});
