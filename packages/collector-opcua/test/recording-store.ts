import { Pipeline, TagDirectory, pipelineDefaults, type Bucket, type Logger, type PointStore, type WriteReceipt } from '@shopfloor/engine';
import type { Point, Tag, TagPath } from '@shopfloor/model';

/** A PointStore that keeps every written point in order, per tag, for tests to look at. */
export class RecordingStore implements PointStore {
  readonly points: Point[] = [];
  readonly batches: number[] = [];

  async write(batch: readonly Point[]): Promise<WriteReceipt> {
    this.points.push(...batch);
    this.batches.push(batch.length);
    return { stored: batch.length, rejected: [] };
  }

  of(tag: TagPath): Point[] {
    return this.points.filter((point) => point.tag === tag);
  }

  last(tag: TagPath): Point | undefined {
    return this.of(tag).at(-1);
  }

  async latest(tags: readonly TagPath[]): Promise<ReadonlyMap<TagPath, Point>> {
    const latest = new Map<TagPath, Point>();
    for (const tag of tags) {
      const point = this.last(tag);
      if (point !== undefined) latest.set(tag, point);
    }
    return latest;
  }

  async range(tag: TagPath): Promise<Point[]> {
    return this.of(tag);
  }

  async downsample(): Promise<Bucket[]> {
    return [];
  }

  async aggregate(): Promise<Bucket[]> {
    return [];
  }

  async tags(): Promise<TagPath[]> {
    return [...new Set(this.points.map((point) => point.tag))];
  }

  async close(): Promise<void> {}
}

/** A real pipeline over a recording store; `registered` collects the tags it registered on first sight. */
export function recordingPipeline(logger: Logger): { pipeline: Pipeline; store: RecordingStore; registered: Tag[] } {
  const store = new RecordingStore();
  const registered: Tag[] = [];
  // Simulated timestamps may run ahead of the wall clock when a test advances the plant.
  const pipeline = new Pipeline(
    { ...pipelineDefaults, maxFutureMs: 86_400_000 },
    { store, directory: new TagDirectory(), logger, onNewTags: (tags) => registered.push(...tags) },
  );
  return { pipeline, store, registered };
}

/** Polls until `condition` holds (every 20 ms), or fails naming what it waited for. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
