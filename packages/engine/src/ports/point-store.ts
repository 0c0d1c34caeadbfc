import type { Point, TagPath } from '@shopfloor/model';
import type { Closeable } from './closeable.ts';

/** A half-open time window `[from, to)` in epoch milliseconds. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** Aggregates of the points of one tag in `[start, end)`. Only buckets holding points are returned. */
export interface Bucket {
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly sum: number;
  readonly first: number;
  readonly last: number;
}

export interface WriteReceipt {
  /** Points made durable by this write (a point rewritten with the same tag and timestamp counts once per write); rejected points are not counted. */
  readonly stored: number;
  /**
   * Points skipped because they cannot be stored, in batch order: a value of another kind than
   * the tag holds, a non-finite number or timestamp, an unknown quality. `detail` names the tag and
   * what was wrong, e.g. `tag "a/b": holds number values; got boolean true`.
   */
  readonly rejected: readonly {
    readonly tag: string;
    readonly ts: number;
    readonly reason: 'wrong-type' | 'not-finite' | 'bad-timestamp' | 'bad-quality';
    readonly detail: string;
  }[];
}

export interface RangeOptions {
  /** At most this many points, the earliest first. */
  readonly limit?: number;
}

/**
 * The time-series store. A point is identified by (tag, ts): writing it again replaces its value
 * and quality, so replays after a crash never duplicate. `write` resolves only once the batch is
 * durable (committed to disk). A tag holds one kind of value (number, boolean or string), fixed by
 * its first stored point. A bad point never fails a write: it is skipped and reported in the
 * receipt's `rejected`, and the other points are stored; `write` rejects only when the store
 * itself cannot store (an UnavailableError).
 */
export interface PointStore extends Closeable {
  write(batch: readonly Point[]): Promise<WriteReceipt>;
  /** The newest point of each tag that has one (by timestamp; older late points never replace it). */
  latest(tags: readonly TagPath[]): Promise<ReadonlyMap<TagPath, Point>>;
  range(tag: TagPath, window: TimeWindow, options?: RangeOptions): Promise<Point[]>;
  /** Splits the window into `buckets` equal parts; numeric and boolean tags only. */
  downsample(tag: TagPath, window: TimeWindow, buckets: number): Promise<Bucket[]>;
  /** Fixed windows of `windowMs`, aligned to the epoch; numeric and boolean tags only. */
  aggregate(tag: TagPath, window: TimeWindow, windowMs: number): Promise<Bucket[]>;
  /** Every tag that has at least one stored point. */
  tags(): Promise<TagPath[]>;
}
