/**
 * Messages between the main-thread `SqlitePointStore` and its writer worker. Points travel as
 * columns of typed arrays whose buffers are transferred, never as one object per point.
 */
import type { LogMeta } from '@shopfloor/engine';

/** How a series stores its values: numbers and booleans (as 0/1) in Float64, strings as text. */
export type SeriesKind = 'number' | 'boolean' | 'string';

export interface SeriesDefinition {
  readonly id: number;
  readonly path: string;
  readonly kind: SeriesKind;
}

/** What the worker needs to open the store (passed as `workerData`). */
export interface WriterOptions {
  readonly file: string;
  readonly chunkMs: number;
  readonly checkpointMs: number;
}

/**
 * Points to commit, one index per point. For a point of a string series `values[i]` is the
 * index of its text in `texts`; quality is the index in `qualities`.
 */
export interface CommitColumns {
  readonly series: Uint32Array<ArrayBuffer>;
  readonly ts: Float64Array<ArrayBuffer>;
  readonly values: Float64Array<ArrayBuffer>;
  readonly quality: Uint8Array<ArrayBuffer>;
  readonly texts: readonly string[];
}

/**
 * The reply to a commit: the points are durable. `applyError` says that putting them into the read
 * buffers failed (they are readable again once the worker has rebuilt its buffers from the file).
 */
export interface CommitOutcome {
  readonly applyError: string | undefined;
}

/** What a retention pass removed: whole chunks older than `boundary` (epoch ms; chunks start at or after it are kept). */
export interface RetentionOutcome {
  readonly deletedChunks: number;
  readonly deletedPoints: number;
  /** Chunks starting before this were removed; undefined when nothing was. */
  readonly boundary: number | undefined;
  /** Bytes of the file in use after the pass (pages not on the free list). */
  readonly usedBytes: number;
}

/** Points read back, ascending by time. `texts` is present (one per point) for string series. */
export interface ReadColumns {
  readonly ts: Float64Array<ArrayBuffer>;
  readonly values: Float64Array<ArrayBuffer>;
  readonly quality: Uint8Array<ArrayBuffer>;
  readonly texts: readonly string[] | undefined;
}

/** The latest point of each requested series that has one; `series[i]` owns point `i`. */
export interface LatestReply {
  readonly series: Uint32Array<ArrayBuffer>;
  readonly ts: Float64Array<ArrayBuffer>;
  readonly values: Float64Array<ArrayBuffer>;
  readonly quality: Uint8Array<ArrayBuffer>;
  readonly texts: readonly (string | undefined)[];
}

/** Buckets flattened, `bucketFields` numbers per bucket in this order. */
export const bucketFields = ['start', 'end', 'count', 'min', 'max', 'avg', 'sum', 'first', 'last'] as const;

export type WriterRequest =
  | { readonly type: 'commit'; readonly id: number; readonly columns: CommitColumns; readonly newSeries: readonly SeriesDefinition[] }
  | { readonly type: 'range'; readonly id: number; readonly series: number; readonly from: number; readonly to: number; readonly limit: number }
  | { readonly type: 'downsample'; readonly id: number; readonly series: number; readonly from: number; readonly to: number; readonly buckets: number }
  | { readonly type: 'aggregate'; readonly id: number; readonly series: number; readonly from: number; readonly to: number; readonly windowMs: number }
  | { readonly type: 'latest'; readonly id: number; readonly series: Uint32Array }
  | { readonly type: 'tags'; readonly id: number }
  | { readonly type: 'checkpoint'; readonly id: number }
  | { readonly type: 'retain'; readonly id: number; readonly before: number | undefined; readonly maxBytes: number | undefined }
  | { readonly type: 'close'; readonly id: number };

export type WriterMessage =
  | { readonly type: 'ready'; readonly series: readonly SeriesDefinition[] }
  | { readonly type: 'open-failed'; readonly message: string }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly message: string }
  | { readonly type: 'log'; readonly level: 'error' | 'warn' | 'info' | 'debug'; readonly message: string; readonly meta: LogMeta };
