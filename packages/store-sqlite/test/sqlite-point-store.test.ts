import Database from 'better-sqlite3';
import { createSilentLogger } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { createCapturingLogger } from '@shopfloor/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlitePointStore, sqlitePointStoreDefaults, type SqlitePointStoreConfig } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const dir = tempDir('sf-points');
afterAll(() => dir.remove());
const deps = { logger: createSilentLogger() };
const baseTs = Date.UTC(2024, 0, 1);
const everything = { from: 0, to: Number.MAX_SAFE_INTEGER };

function point(tag: string, ts: number, value: Point['value'], quality: Point['quality'] = 'good'): Point {
  return { tag, ts, value, quality };
}

function open(file: string, overrides: Partial<SqlitePointStoreConfig> = {}) {
  return createSqlitePointStore({ ...sqlitePointStoreDefaults, file, ...overrides }, deps);
}

/** Journal rows and chunk rows in the file, read over a second connection. */
function fileState(file: string): { journal: number; chunks: number } {
  const db = new Database(file, { readonly: true });
  try {
    const count = (table: string): number => db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get() ?? 0;
    return { journal: count('journal'), chunks: count('chunks') };
  } finally {
    db.close();
  }
}

describe('SqlitePointStore', () => {
  it('keeps its data across close and reopen', async () => {
    const file = dir.file('reopen.db');
    const written = [
      ...Array.from({ length: 300 }, (_, index) => point('acme/p1/line1/speed', baseTs + index * 1_000, index / 8, index % 7 === 0 ? 'uncertain' : 'good')),
      point('acme/p1/line1/running', baseTs, true),
      point('acme/p1/line1/state', baseTs + 5, 'SETUP'),
    ];
    const store = await open(file);
    await store.write(written);
    await store.close();
    const reopened = await open(file);
    expect(await reopened.range('acme/p1/line1/speed', everything)).toEqual(written.slice(0, 300));
    expect(await reopened.latest(['acme/p1/line1/speed', 'acme/p1/line1/running', 'acme/p1/line1/state'])).toEqual(
      new Map([
        ['acme/p1/line1/speed', written[299]],
        ['acme/p1/line1/running', written[300]],
        ['acme/p1/line1/state', written[301]],
      ]),
    );
    expect(await reopened.tags()).toEqual(['acme/p1/line1/running', 'acme/p1/line1/speed', 'acme/p1/line1/state']);
    await reopened.write([point('acme/p1/line1/speed', baseTs + 1_000, -1)]);
    expect((await reopened.range('acme/p1/line1/speed', { from: baseTs + 1_000, to: baseTs + 2_000 }))[0]?.value).toBe(-1);
    await reopened.close();
  });

  it('checkpoints chunks and empties the journal, then merges late points into checkpointed chunks', async () => {
    const file = dir.file('checkpoint.db');
    const store = await open(file, { checkpointSeconds: 1 });
    const tag = 'acme/p1/line1/speed';
    await store.write([point(tag, baseTs, 1), point(tag, baseTs + 2_000, 2), point(tag, baseTs + 600_000, 3)]);
    expect(fileState(file).journal).toBe(3);
    await expect.poll(() => fileState(file), { timeout: 5_000, interval: 100 }).toEqual({ journal: 0, chunks: 2 });
    await store.write([point(tag, baseTs + 1_000, 1.5), point(tag, baseTs + 2_000, 2.5, 'bad')]);
    await store.checkpoint();
    expect(fileState(file)).toEqual({ journal: 0, chunks: 2 });
    const expected = [point(tag, baseTs, 1), point(tag, baseTs + 1_000, 1.5), point(tag, baseTs + 2_000, 2.5, 'bad'), point(tag, baseTs + 600_000, 3)];
    expect(await store.range(tag, everything)).toEqual(expected);
    await store.close();
    const reopened = await open(file);
    expect(await reopened.range(tag, everything)).toEqual(expected);
    expect((await reopened.latest([tag])).get(tag)).toEqual(expected[3]);
    await reopened.close();
  });

  it('group-commits concurrent writes: every write resolves with its own receipt', async () => {
    const store = await open(dir.file('group.db'), { maxBatchPoints: 1_000 });
    const writes: Promise<unknown>[] = [];
    const expected = new Map<string, Point[]>();
    for (let write = 0; write < 200; write++) {
      const batch = Array.from({ length: 25 }, (_, index) => point(`acme/p1/m${index % 5}/v`, baseTs + write * 5 + Math.floor(index / 5), write * 25 + index));
      for (const written of batch) expected.set(written.tag, [...(expected.get(written.tag) ?? []), written]);
      writes.push(store.write(batch));
    }
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 200 }, () => ({ stored: 25, rejected: [] })));
    for (const [tag, points] of expected) expect(await store.range(tag, everything)).toEqual(points);
    await store.close();
  });

  it('skips a wrong-kind point of one write joined into a group commit, every write resolving with its own receipt', async () => {
    const store = await open(':memory:', { maxBatchPoints: 1_000 });
    await store.write([point('acme/p1/m1/v', baseTs, 1)]);
    const first = store.write([point('acme/p1/m1/v', baseTs + 1, 2)]);
    const mixed = store.write([point('acme/p1/m2/new', baseTs, 5), point('acme/p1/m1/v', baseTs + 2, 'text'), point('acme/p1/m1/v', baseTs + 3, 3)]);
    const last = store.write([point('acme/p1/m2/new', baseTs + 1, 6)]);
    expect(await first).toEqual({ stored: 1, rejected: [] });
    expect(await mixed).toEqual({
      stored: 2,
      rejected: [{ tag: 'acme/p1/m1/v', ts: baseTs + 2, reason: 'wrong-type', detail: 'tag "acme/p1/m1/v": holds number values; got string "text"' }],
    });
    expect(await last).toEqual({ stored: 1, rejected: [] });
    expect((await store.range('acme/p1/m1/v', everything)).map((stored) => stored.value)).toEqual([1, 2, 3]);
    expect((await store.range('acme/p1/m2/new', everything)).map((stored) => stored.value)).toEqual([5, 6]);
    await expect(store.range('acme/p1/m1/v', { from: 10, to: 5 })).rejects.toMatchObject({ name: 'InputError', code: 'SF_TIME_RANGE_INVALID' });
    await store.close();
  });

  it('resolves committed writes when making them readable fails, and makes them readable once the file is sound', async () => {
    const file = dir.file('apply.db');
    const logger = createCapturingLogger();
    const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file }, { logger });
    const tag = 'acme/p1/m1/v';
    await store.write([point(tag, baseTs, 1), point(tag, baseTs + 600_000, 2)]);
    await store.checkpoint();
    const side = new Database(file);
    const sound = side.prepare<[number], Buffer>('SELECT data FROM chunks WHERE chunk_start = ?').pluck().get(baseTs);
    expect(sound).toBeDefined();
    side.prepare('UPDATE chunks SET data = ? WHERE chunk_start = ?').run(Buffer.from([0xff]), baseTs);
    // The old chunk is no longer in memory: putting a late point into it reads the corrupt row after the commit.
    expect(await store.write([point('acme/p1/m2/new', baseTs, 7), point(tag, baseTs + 1_000, 1.5)])).toEqual({ stored: 2, rejected: [] });
    expect(logger.entries.some((entry) => entry.level === 'error' && entry.message.includes('could not be made readable'))).toBe(true);
    expect(await store.write([point('acme/p1/m3/newer', baseTs, 8), point('acme/p1/m2/new', baseTs + 1, 9)])).toEqual({ stored: 2, rejected: [] });
    await expect(store.checkpoint()).rejects.toMatchObject({ name: 'UnavailableError' });
    expect(fileState(file).journal).toBe(4);
    side.prepare('UPDATE chunks SET data = ? WHERE chunk_start = ?').run(sound, baseTs);
    side.close();
    await store.checkpoint();
    expect(fileState(file).journal).toBe(0);
    const expected = [point(tag, baseTs, 1), point(tag, baseTs + 1_000, 1.5), point(tag, baseTs + 600_000, 2)];
    expect(await store.range(tag, everything)).toEqual(expected);
    expect(await store.range('acme/p1/m2/new', everything)).toEqual([point('acme/p1/m2/new', baseTs, 7), point('acme/p1/m2/new', baseTs + 1, 9)]);
    await store.close();
    const reopened = await open(file);
    expect(await reopened.range(tag, everything)).toEqual(expected);
    expect(await reopened.tags()).toEqual([tag, 'acme/p1/m2/new', 'acme/p1/m3/newer']);
    await reopened.close();
  });

  it('rejects the writes of a failed commit with an UnavailableError and recovers once the file is writable', async () => {
    const file = dir.file('busy.db');
    const store = await open(file);
    await store.write([point('acme/p1/m1/v', baseTs, 1)]);
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    const blocked = store.write([point('acme/p1/m2/new', baseTs, 2)]);
    await expect(blocked).rejects.toMatchObject({ name: 'UnavailableError', code: 'SF_STORE_UNAVAILABLE' });
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(await store.write([point('acme/p1/m2/new', baseTs + 1, 3)])).toEqual({ stored: 1, rejected: [] });
    expect(await store.range('acme/p1/m2/new', everything)).toEqual([point('acme/p1/m2/new', baseTs + 1, 3)]);
    await store.close();
    const reopened = await open(file);
    expect(await reopened.tags()).toEqual(['acme/p1/m1/v', 'acme/p1/m2/new']);
    await reopened.close();
  }, 20_000);

  it('refuses writes and reads after close, and closes only once', async () => {
    const store = await open(dir.file('closed.db'));
    const last = store.write([point('acme/p1/m1/v', baseTs, 1)]);
    const closing = store.close();
    await expect(store.write([point('acme/p1/m1/v', baseTs + 1, 2)])).rejects.toMatchObject({ name: 'UnavailableError', code: 'SF_STORE_UNAVAILABLE' });
    expect(await last).toEqual({ stored: 1, rejected: [] });
    await closing;
    await store.close();
    await expect(store.range('acme/p1/m1/v', everything)).rejects.toMatchObject({ name: 'UnavailableError' });
  });

  it('fails to open a file it cannot create, with an UnavailableError', async () => {
    await expect(open(`${dir.path}/missing/dir/points.db`)).rejects.toMatchObject({ name: 'UnavailableError', code: 'SF_STORE_UNAVAILABLE' });
  });

  it('refuses a config outside its schema, naming the key', async () => {
    await expect(open(':memory:', { chunkSeconds: 0 })).rejects.toMatchObject({
      name: 'InputError',
      code: 'SF_CONFIG_INVALID',
      message: expect.stringContaining('chunkSeconds') as unknown,
    });
    await expect(createSqlitePointStore({ ...sqlitePointStoreDefaults, file: ':memory:', commitMs: 5 } as SqlitePointStoreConfig, deps)).rejects.toMatchObject({
      message: 'point store config.commitMs: is not a known key',
    });
  });

  it('keeps the chunk length a file was created with', async () => {
    const file = dir.file('chunk-length.db');
    const store = await open(file, { chunkSeconds: 60 });
    const points = Array.from({ length: 10 }, (_, index) => point('acme/p1/m1/v', baseTs + index * 25_000, index));
    await store.write(points);
    await store.close();
    const logger = createCapturingLogger();
    const reopened = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file, chunkSeconds: 7 }, { logger });
    expect(await reopened.range('acme/p1/m1/v', { from: baseTs + 50_000, to: baseTs + 200_000 })).toEqual(points.slice(2, 8));
    await reopened.close();
    expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.meta)).toEqual([{ file, chunkMs: 60_000, configuredChunkMs: 7_000 }]);
  });
});
