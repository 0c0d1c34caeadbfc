import { createCapturingLogger, freePort } from '@shopfloor/testkit';
import type { PointStore } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresPointStore, type PostgresPointStoreConfig } from '../src/index.ts';
import { WireConnection } from '../src/wire.ts';
import { dropSchema, sql, testConfig } from './schema.ts';

const dayMs = 86_400_000;
const baseTs = Date.UTC(2024, 0, 1);
const point = (tag: string, ts: number, value: number): Point => ({ tag, ts, value, quality: 'good' });

describe('postgres point store', () => {
  let config: PostgresPointStoreConfig;
  let store: PointStore;
  let logger: ReturnType<typeof createCapturingLogger>;
  beforeEach(async () => {
    config = testConfig('store');
    logger = createCapturingLogger();
    store = await createPostgresPointStore(config, { logger });
  });
  afterEach(async () => {
    await store.close();
    await dropSchema(config.schema);
  });

  it('creates a partition per day on demand and stores a write spanning several days in several partitions', async () => {
    const points = [0, 1, 2, 3].map((day) => point('acme/p1/oven/t', baseTs + day * dayMs + 3_600_000, day));
    points.push(point('acme/p1/oven/t', baseTs - 1, -1));
    expect(await store.write(points)).toEqual({ stored: 5, rejected: [] });
    const [partitions = []] = await sql(`SELECT relid::text FROM pg_partition_tree('"${config.schema}".points') WHERE isleaf ORDER BY relid::text`);
    const [counts = []] = await sql(`SELECT tableoid::regclass::text, count(*) FROM "${config.schema}".points GROUP BY 1 ORDER BY 1`);
    expect(counts).toHaveLength(5);
    const holding = counts.map(([name]) => name);
    for (const name of holding) expect(partitions.map(([relid]) => relid)).toContain(name);
    for (const [, count] of counts) expect(count).toBe('1');
    const [inherits = []] = await sql(`SELECT count(*) FROM pg_inherits WHERE inhparent = '"${config.schema}".points'::regclass`);
    expect(Number(inherits[0]?.[0])).toBeGreaterThanOrEqual(5);
    expect(await store.range('acme/p1/oven/t', { from: baseTs - dayMs, to: baseTs + 5 * dayMs })).toEqual([points[4], ...points.slice(0, 4)]);
  });

  it('round-trips strings with COPY escapes and tag paths with quotes', async () => {
    const tag = "acme/p1/o'ven/state";
    const texts = ['tab\there', 'line\nbreak', 'cr\rret', 'back\\slash \\N', 'quote \' and "', '\\.', ''];
    const points: Point[] = texts.map((value, index) => ({ tag, ts: baseTs + index, value, quality: 'good' }));
    expect(await store.write(points)).toEqual({ stored: texts.length, rejected: [] });
    expect(await store.range(tag, { from: baseTs, to: baseTs + 60_000 })).toEqual(points);
    expect(await store.tags()).toEqual([tag]);
    expect((await store.latest([tag])).get(tag)).toEqual(points[points.length - 1]);
  });

  it('creates the partitions of today and tomorrow when it opens', async () => {
    const [bounds = []] = await sql(
      `SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '"${config.schema}".points'::regclass`,
    );
    const today = Math.floor(Date.now() / dayMs) * dayMs;
    const texts = bounds.map(([bound]) => bound);
    expect(texts).toContain(`FOR VALUES FROM ('${today}') TO ('${today + dayMs}')`);
    expect(texts).toContain(`FOR VALUES FROM ('${today + dayMs}') TO ('${today + 2 * dayMs}')`);
  });

  it('keeps negative zero, and skips a string holding a NUL character', async () => {
    const tag = 'acme/p1/oven/state';
    const receipt = await store.write([
      { tag, ts: baseTs, value: 'a\u0000b', quality: 'good' },
      { tag, ts: baseTs + 1, value: 'ok', quality: 'good' },
      point('acme/p1/oven/t', baseTs, -0),
    ]);
    expect(receipt).toMatchObject({ stored: 2, rejected: [{ tag, ts: baseTs, reason: 'wrong-type' }] });
    expect(receipt.rejected[0]?.detail).toContain(tag);
    expect(Object.is((await store.range('acme/p1/oven/t', { from: baseTs, to: baseTs + 1 }))[0]?.value, -0)).toBe(true);
  });

  it('fails to open with an UnavailableError when no server answers', async () => {
    const port = await freePort();
    await expect(
      createPostgresPointStore({ ...config, url: `postgres://root@127.0.0.1:${port}/test` }, { logger: createCapturingLogger() }),
    ).rejects.toMatchObject({ name: 'UnavailableError' });
    await expect(
      createPostgresPointStore({ ...config, url: 'postgres://root@127.0.0.1:5432/no_such_database_here' }, { logger: createCapturingLogger() }),
    ).rejects.toMatchObject({ name: 'UnavailableError', message: expect.stringContaining('no_such_database_here') as unknown });
  });

  it('rejects a write whose connection is killed mid-transaction, and the next write succeeds', async () => {
    await store.write([point('acme/p1/oven/t', baseTs, 1)]);
    const locker = await WireConnection.open(new URL(config.url));
    try {
      await locker.query(`BEGIN; LOCK TABLE "${config.schema}".latest IN ACCESS EXCLUSIVE MODE`);
      const blocked = store.write([point('acme/p1/oven/t', baseTs + 1_000, 2)]);
      const outcome = blocked.then(
        () => 'stored',
        (error: unknown) => error,
      );
      const deadline = Date.now() + 10_000;
      let waiting: (string | null)[][] = [];
      while (waiting.length === 0 && Date.now() < deadline) {
        [waiting = []] = await sql(`SELECT pid FROM pg_stat_activity WHERE application_name = 'shopfloor:${config.schema}' AND wait_event_type = 'Lock'`);
      }
      expect(waiting).toHaveLength(1);
      await sql(`SELECT pg_terminate_backend(${Number(waiting[0]?.[0])})`);
      expect(await outcome).toMatchObject({ name: 'UnavailableError', message: expect.stringContaining('write') as unknown });
      await locker.query('ROLLBACK');
    } finally {
      locker.close();
    }
    expect(await store.write([point('acme/p1/oven/t', baseTs + 2_000, 3)])).toEqual({ stored: 1, rejected: [] });
    expect(await store.range('acme/p1/oven/t', { from: baseTs, to: baseTs + 60_000 })).toEqual([
      point('acme/p1/oven/t', baseTs, 1),
      point('acme/p1/oven/t', baseTs + 2_000, 3),
    ]);
    expect(logger.entries.some((entry) => entry.level === 'warn' && entry.message.includes('write failed'))).toBe(true);
  });

  it('commits concurrent writes, each with its own receipt', async () => {
    const writes = Array.from({ length: 20 }, (_, index) =>
      store.write([point('acme/p1/oven/t', baseTs + index, index), point('acme/p1/oven/t', Number.NaN, 0)]),
    );
    const receipts = await Promise.all(writes);
    for (const receipt of receipts) expect(receipt).toMatchObject({ stored: 1, rejected: [{ reason: 'bad-timestamp' }] });
    expect(await store.range('acme/p1/oven/t', { from: baseTs, to: baseTs + 60_000 })).toHaveLength(20);
  });
});
