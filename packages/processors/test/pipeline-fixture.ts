import { createSilentLogger, Pipeline, pipelineDefaults, TagDirectory, type PointStore, type Processor } from '@shopfloor/engine';
import type { Point, PointValue, Quality, Tag } from '@shopfloor/model';

/** 2025-11-25 00:00:00 UTC: a minute boundary, so window arithmetic in tests reads plainly. */
export const t0 = 1_764_028_800_000;

export function point(tag: string, ts: number, value: PointValue, quality: Quality = 'good'): Point {
  return { tag, ts, value, quality };
}

export interface Counts {
  readonly received: number;
  readonly derived: number;
  readonly stored: number;
  readonly rejected: number;
  readonly filtered: number;
  readonly failed: number;
  readonly pending: number;
}

/**
 * A real engine Pipeline with the given processors and a store that records what it is given
 * (and commits at once). Its clock reads a day after t0, so test points are never in the future.
 */
export function recordingPipeline(processors: readonly Processor[]) {
  const stored: Point[] = [];
  const store: PointStore = {
    write: async (batch) => {
      stored.push(...batch);
      return { stored: batch.length, rejected: [] };
    },
    latest: async () => new Map(),
    range: async () => [],
    downsample: async () => [],
    aggregate: async () => [],
    tags: async () => [],
    close: async () => undefined,
  };
  const newTags: Tag[] = [];
  const directory = new TagDirectory();
  const pipeline = new Pipeline(pipelineDefaults, {
    store,
    directory,
    logger: createSilentLogger(),
    now: () => t0 + 86_400_000,
    processors,
    onNewTags: (tags) => newTags.push(...tags),
  });
  const counts = (): Counts => {
    const { received, derived, stored: storedCount, filtered, failed, pending } = pipeline.stats;
    return { received, derived, stored: storedCount, rejected: pipeline.stats.rejectedTotal(), filtered, failed, pending };
  };
  return {
    pipeline,
    stored,
    newTags,
    directory,
    counts,
    /** Submits the points as one payload and waits until they are stored. */
    send: async (points: readonly Point[]): Promise<void> => pipeline.push({ accepted: [...points], rejected: [] }),
    /** A pipeline tick at `now`, then waits until its output is stored. */
    tick: async (now: number): Promise<void> => {
      pipeline.tick(now);
      await pipeline.drain();
    },
    /** received + derived − (stored + rejected + filtered + failed + pending): 0 when every point is accounted for. */
    unaccounted: (): number => {
      const c = counts();
      return c.received + c.derived - (c.stored + c.rejected + c.filtered + c.failed + c.pending);
    },
  };
}
