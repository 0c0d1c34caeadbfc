import { describe, expect, it } from 'vitest';
import type { Point, Tag } from '@shopfloor/model';
import { pipelineDefaults } from './config.ts';
import { Pipeline, type Processor } from './pipeline.ts';
import { createSilentLogger } from './ports/logger.ts';
import type { PointStore, WriteReceipt } from './ports/point-store.ts';
import { TagDirectory } from './tag-directory.ts';

const now = 1_764_028_800_000;

/** A store that records batches and lets the test decide when each write becomes durable. */
function recordingStore() {
  const batches: Point[][] = [];
  const pending: (() => void)[] = [];
  const store: PointStore = {
    write(batch) {
      batches.push([...batch]);
      return new Promise<WriteReceipt>((resolve) => pending.push(() => resolve({ stored: batch.length, rejected: [] })));
    },
    latest: async () => new Map(),
    range: async () => [],
    downsample: async () => [],
    aggregate: async () => [],
    tags: async () => [],
    close: async () => undefined,
  };
  return { store, batches, commit: () => pending.splice(0).forEach((resolve) => resolve()) };
}

const point = (tag: string, value: Point['value'], ts = now): Point => ({ tag, ts, value, quality: 'good' });

describe('Pipeline', () => {
  it('batches the payloads of one turn into one write and acknowledges each only after the commit', async () => {
    const { store, batches, commit } = recordingStore();
    const pipeline = new Pipeline(pipelineDefaults, { store, directory: new TagDirectory(), logger: createSilentLogger(), now: () => now });
    const acknowledged: string[] = [];
    pipeline.submit({ accepted: [point('a/b/c', 1)], rejected: [] }, () => acknowledged.push('first'));
    pipeline.submit({ accepted: [point('a/b/d', 2)], rejected: [] }, () => acknowledged.push('second'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[point('a/b/c', 1), point('a/b/d', 2)]]);
    expect(acknowledged).toEqual([]);
    expect(pipeline.stats.pending).toBe(2);
    commit();
    await pipeline.drain();
    expect(acknowledged).toEqual(['first', 'second']);
    expect({ received: pipeline.stats.received, stored: pipeline.stats.stored, pending: pipeline.stats.pending }).toEqual({
      received: 2,
      stored: 2,
      pending: 0,
    });
  });

  it('refuses non-finite values, future timestamps, bad paths, wrong types and unknown tags by policy, counting each', async () => {
    const { store, batches, commit } = recordingStore();
    const directory = new TagDirectory([{ path: 'a/b/int', dataType: 'int' }]);
    const pipeline = new Pipeline({ ...pipelineDefaults, unknownTags: 'register' }, { store, directory, logger: createSilentLogger(), now: () => now });
    const done = pipeline.push({
      accepted: [
        point('a/b/nan', NaN),
        point('a/b/future', 1, now + 3_600_000),
        point('a/+/x', 1),
        point('a/b/int', 1.5),
        point('a/b/int', 7),
        point('a/b/new', 'text'),
      ],
      rejected: [{ reason: 'malformed-json', input: 'x', detail: 'x', count: 1 }],
    });
    await new Promise((resolve) => setImmediate(resolve));
    commit();
    await done;
    expect(batches).toEqual([[point('a/b/int', 7), point('a/b/new', 'text')]]);
    const { rejected } = pipeline.stats;
    expect([rejected['not-finite'], rejected['future-timestamp'], rejected['bad-topic'], rejected['wrong-type'], rejected['malformed-json']]).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(pipeline.stats.received).toBe(7);
    expect(directory.dataType('a/b/new')).toBe('string');

    const refusing = new Pipeline(
      { ...pipelineDefaults, unknownTags: 'refuse' },
      { store, directory: new TagDirectory(), logger: createSilentLogger(), now: () => now },
    );
    await refusing.push({ accepted: [point('a/b/unknown', 1)], rejected: [] });
    expect(refusing.stats.rejected['unknown-tag']).toBe(1);
  });

  it('acknowledges with the error when the store fails, and counts the points as failed', async () => {
    const store: PointStore = { ...recordingStore().store, write: () => Promise.reject(new Error('disk gone')) };
    const pipeline = new Pipeline(pipelineDefaults, { store, directory: new TagDirectory(), logger: createSilentLogger(), now: () => now });
    await expect(pipeline.push({ accepted: [point('a/b/c', 1)], rejected: [] })).rejects.toThrow('disk gone');
    expect({ failed: pipeline.stats.failed, stored: pipeline.stats.stored, pending: pipeline.stats.pending }).toEqual({ failed: 1, stored: 0, pending: 0 });
  });

  it('reports saturation above maxPendingPoints and wakes waiters once the store catches up', async () => {
    const { store, commit } = recordingStore();
    const pipeline = new Pipeline(
      { ...pipelineDefaults, maxPendingPoints: 1_000 },
      { store, directory: new TagDirectory(), logger: createSilentLogger(), now: () => now },
    );
    pipeline.submit({ accepted: Array.from({ length: 1_000 }, (_, index) => point('a/b/c', index, now - index)), rejected: [] });
    expect(pipeline.ready).toBe(false);
    let woke = false;
    const waiting = pipeline.whenReady().then(() => (woke = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(woke).toBe(false);
    commit();
    await waiting;
    expect([woke, pipeline.ready, pipeline.stats.pending]).toEqual([true, true, 0]);
  });

  it('shows batches to observers only once stored, and survives an observer or a processor that throws', async () => {
    const { store, commit } = recordingStore();
    const seen: string[] = [];
    const observers = [
      {
        observe: () => {
          throw new Error('observer bug');
        },
      },
      { observe: (batch: readonly Point[]) => seen.push(...batch.map((p) => p.tag)) },
    ];
    const pipeline = new Pipeline(pipelineDefaults, { store, directory: new TagDirectory(), logger: createSilentLogger(), now: () => now, observers });
    const done = pipeline.push({ accepted: [point('a/b/c', 1)], rejected: [] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
    commit();
    await done;
    expect(seen).toEqual(['a/b/c']);

    const failing = new Pipeline(pipelineDefaults, {
      store,
      directory: new TagDirectory(),
      logger: createSilentLogger(),
      now: () => now,
      processors: [
        { name: 'halve', process: (batch) => batch.slice(1) },
        {
          name: 'broken',
          process: () => {
            throw new Error('processor bug');
          },
        },
      ],
    });
    await expect(failing.push({ accepted: [point('a/b/c', 1), point('a/b/d', 2), point('a/b/e', 3)], rejected: [] })).rejects.toThrow('processor bug');
    const { received, stored, filtered, failed, pending } = failing.stats;
    expect({ received, stored, filtered, failed, pending }).toEqual({ received: 3, stored: 0, filtered: 1, failed: 2, pending: 0 });
  });

  it('counts points processors emit as derived, registers their tags as computed, and flushes time-driven output on tick', async () => {
    const { store, batches, commit } = recordingStore();
    const newTags: Tag[] = [];
    const seen: string[] = [];
    let held: Point | undefined;
    // Keeps the last point back and emits it on the next tick: time-driven output.
    const holder: Processor = {
      name: 'holder',
      process: (batch) => {
        held = batch[batch.length - 1];
        return batch.slice(0, -1);
      },
      flush: (at, context) => {
        if (held !== undefined) context.emit({ ...held, tag: `${held.tag}.held`, ts: at });
        held = undefined;
      },
    };
    // Adds a doubled copy of every number, and one derived point with a bad path (refused, counted).
    const doubler: Processor = {
      name: 'doubler',
      process: (batch, context) => {
        for (const each of batch) if (typeof each.value === 'number') context.emit({ ...each, tag: `${each.tag}.x2`, value: each.value * 2 });
        context.emit(point('a/b/+', 0));
        return batch;
      },
    };
    const pipeline = new Pipeline(
      { ...pipelineDefaults, unknownTags: 'refuse' },
      {
        store,
        directory: new TagDirectory([
          { path: 'a/b/c', dataType: 'float' },
          { path: 'a/b/d', dataType: 'float' },
        ]),
        logger: createSilentLogger(),
        now: () => now,
        processors: [holder, doubler],
        observers: [{ observe: (batch) => seen.push(...batch.map((each) => each.tag)) }],
        onNewTags: (tags) => newTags.push(...tags),
      },
    );
    const done = pipeline.push({ accepted: [point('a/b/c', 1), point('a/b/d', 2)], rejected: [] });
    await new Promise((resolve) => setImmediate(resolve));
    const invariant = () => {
      const { received, derived, stored, filtered, failed, pending } = pipeline.stats;
      return received + derived - (stored + pipeline.stats.rejectedTotal() + filtered + failed + pending);
    };
    expect(invariant()).toBe(0);
    commit();
    await done;
    expect(batches).toEqual([[point('a/b/c', 1), point('a/b/c.x2', 2)]]);
    pipeline.tick(now + 1_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(invariant()).toBe(0);
    commit();
    await pipeline.drain();
    expect(batches[1]).toEqual([point('a/b/d.held', 2, now + 1_000), point('a/b/d.held.x2', 4, now + 1_000)]);
    const { received, derived, stored, filtered, failed, pending } = pipeline.stats;
    expect({ received, derived, stored, filtered, failed, pending, badTopic: pipeline.stats.rejected['bad-topic'] }).toEqual({
      received: 2,
      derived: 5,
      stored: 4,
      filtered: 1,
      failed: 0,
      pending: 0,
      badTopic: 2,
    });
    expect(invariant()).toBe(0);
    expect(seen).toEqual(['a/b/c', 'a/b/c.x2', 'a/b/d.held', 'a/b/d.held.x2']);
    expect(newTags).toEqual([
      { path: 'a/b/c.x2', dataType: 'float', classification: 'internal', source: { protocol: 'computed', address: 'doubler' } },
      { path: 'a/b/d.held', dataType: 'float', classification: 'internal', source: { protocol: 'computed', address: 'holder' } },
      { path: 'a/b/d.held.x2', dataType: 'float', classification: 'internal', source: { protocol: 'computed', address: 'doubler' } },
    ]);
  });

  it('refuses a payload whose validation throws, counted, instead of crashing', async () => {
    const { store } = recordingStore();
    class BrokenDirectory extends TagDirectory {
      override dataType(): never {
        throw new Error('directory bug');
      }
    }
    const pipeline = new Pipeline(pipelineDefaults, { store, directory: new BrokenDirectory(), logger: createSilentLogger(), now: () => now });
    await pipeline.push({ accepted: [point('a/b/c', 1), point('a/b/d', 2)], rejected: [] });
    expect([pipeline.stats.received, pipeline.stats.rejected['malformed-payload'], pipeline.stats.pending]).toEqual([2, 2, 0]);
  });

  it('counts points the store refused as rejected and keeps them from observers', async () => {
    const seen: Point[] = [];
    const store: PointStore = {
      ...recordingStore().store,
      write: async (batch) => ({
        stored: batch.length - 1,
        rejected: [{ tag: 'a/b/flag', ts: now, reason: 'wrong-type', detail: 'tag "a/b/flag": holds boolean values; got number 3' }],
      }),
    };
    const pipeline = new Pipeline(pipelineDefaults, {
      store,
      directory: new TagDirectory(),
      logger: createSilentLogger(),
      now: () => now,
      observers: [{ observe: (batch) => seen.push(...batch) }],
    });
    await pipeline.push({ accepted: [point('a/b/flag', 3), point('a/b/speed', 7)], rejected: [] });
    const { received, stored, pending } = pipeline.stats;
    expect({ received, stored, pending, wrongType: pipeline.stats.rejected['wrong-type'], seen }).toEqual({
      received: 2,
      stored: 1,
      pending: 0,
      wrongType: 1,
      seen: [point('a/b/speed', 7)],
    });
  });
});
