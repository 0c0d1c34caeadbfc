import type { WriteReceipt } from '@shopfloor/engine';
import { isQuality, maxTimestampMs, type Point } from '@shopfloor/model';
import { seriesKindOf, type SeriesCatalog, type SeriesEntry } from './series-catalog.ts';
import type { CommitColumns, SeriesDefinition } from './worker-protocol.ts';

export type PointRejection = WriteReceipt['rejected'][number];

/** One write() call turned into columns, ready to join a group commit. */
export interface EncodedBatch {
  /** The accepted points only. */
  readonly columns: CommitColumns;
  /** Indexes of string points (their `values` index into `texts`, shifted when batches are joined). */
  readonly textPoints: readonly number[];
  readonly newSeries: readonly SeriesDefinition[];
  /** Distinct (tag, ts) among the accepted points: what the write's receipt reports. */
  readonly stored: number;
  /** The points skipped, in batch order. */
  readonly rejected: readonly PointRejection[];
}

const qualityCodes: Readonly<Record<string, number>> = { good: 0, uncertain: 1, bad: 2 };

/**
 * Validates and encodes a batch in one pass. A bad point is skipped and reported, never failing
 * the batch; a new tag gets its series (and kind) from its first accepted point, and a tag whose
 * points were all rejected leaves no trace in the catalog.
 */
export function encodeBatch(batch: readonly Point[], catalog: SeriesCatalog, mark: number): EncodedBatch {
  const count = batch.length;
  let series = new Uint32Array(count);
  let ts = new Float64Array(count);
  let values = new Float64Array(count);
  let quality = new Uint8Array(count);
  const texts: string[] = [];
  const textPoints: number[] = [];
  const rejected: PointRejection[] = [];
  const proposed = new Map<string, SeriesEntry>();
  let repeats = false;
  let accepted = 0;
  for (let index = 0; index < count; index++) {
    const point = batch[index] as Point;
    const problem = pointProblem(point, index);
    if (problem !== undefined) {
      rejected.push(problem);
      continue;
    }
    const value = point.value;
    let entry = catalog.get(point.tag) ?? proposed.get(point.tag);
    if (entry === undefined) {
      entry = catalog.propose(point.tag, seriesKindOf(value), proposed.size);
      proposed.set(point.tag, entry);
    }
    if (entry.kind !== seriesKindOf(value)) {
      rejected.push({
        tag: point.tag,
        ts: point.ts,
        reason: 'wrong-type',
        detail: `tag "${point.tag}": holds ${entry.kind} values; got ${typeof value} ${clip(JSON.stringify(value))}`,
      });
      continue;
    }
    const at = accepted++;
    series[at] = entry.id;
    ts[at] = point.ts;
    quality[at] = qualityCodes[point.quality] as number;
    if (typeof value === 'string') {
      values[at] = texts.length;
      texts.push(value);
      textPoints.push(at);
    } else {
      values[at] = value === true ? 1 : value === false ? 0 : value;
    }
    if (entry.batchMark !== mark) {
      entry.batchMark = mark;
      entry.lastTs = point.ts;
    } else if (point.ts > entry.lastTs) {
      entry.lastTs = point.ts;
    } else {
      repeats = true;
    }
  }
  if (accepted < count) {
    series = series.slice(0, accepted);
    ts = ts.slice(0, accepted);
    values = values.slice(0, accepted);
    quality = quality.slice(0, accepted);
  }
  const newSeries = [...proposed.values()];
  catalog.adopt(newSeries);
  const stored = repeats ? distinctPoints(series, ts) : accepted;
  return {
    columns: { series, ts, values, quality, texts },
    textPoints,
    newSeries: newSeries.map(({ id, path, kind }) => ({ id, path, kind })),
    stored,
    rejected,
  };
}

/** What is wrong with a point regardless of its tag's kind, or undefined. */
function pointProblem(point: Point, index: number): PointRejection | undefined {
  if (typeof point !== 'object' || point === null)
    return { tag: '', ts: Number.NaN, reason: 'wrong-type', detail: `point ${index} of the batch is ${describe(point)}, not a point` };
  const { tag, value } = point;
  const ts = typeof point.ts === 'number' ? point.ts : Number.NaN;
  if (typeof tag !== 'string' || tag.length === 0) {
    // No reason names a bad tag: paths are validated before points reach a store, so this is a caller's bug, reported rather than thrown.
    return { tag: typeof tag === 'string' ? tag : '', ts, reason: 'wrong-type', detail: `point ${index} of the batch: tag ${describe(tag)} is not a tag path` };
  }
  if (!isQuality(point.quality)) {
    return { tag, ts, reason: 'bad-quality', detail: `tag "${tag}": quality ${describe(point.quality)} is not good, uncertain or bad` };
  }
  if (!Number.isFinite(point.ts)) {
    return { tag, ts, reason: 'bad-timestamp', detail: `tag "${tag}": timestamp ${describe(point.ts)} is not a finite number of milliseconds` };
  }
  if (Math.abs(ts) > maxTimestampMs) {
    return { tag, ts, reason: 'bad-timestamp', detail: `tag "${tag}": timestamp ${ts} is outside the range of a date (±${maxTimestampMs} ms)` };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { tag, ts, reason: 'not-finite', detail: `tag "${tag}": value ${String(value)} is not a finite number` };
  } else if (typeof value !== 'boolean' && typeof value !== 'string') {
    return { tag, ts, reason: 'wrong-type', detail: `tag "${tag}": value ${describe(value)} is not a number, boolean or string` };
  }
  return undefined;
}

/** A value of unknown type for a message, never throwing. */
function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'string') return clip(JSON.stringify(value));
  try {
    const json = JSON.stringify(value) as string | undefined;
    return json === undefined ? typeof value : `${typeof value} ${clip(json)}`;
  } catch {
    return typeof value;
  }
}

/** Long values are cut in messages. */
function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}

/** Joins the batches of one group commit into one set of columns. */
export function joinBatches(batches: readonly EncodedBatch[]): CommitColumns {
  if (batches.length === 1) return (batches[0] as EncodedBatch).columns;
  let total = 0;
  for (const batch of batches) total += batch.columns.series.length;
  const series = new Uint32Array(total);
  const ts = new Float64Array(total);
  const values = new Float64Array(total);
  const quality = new Uint8Array(total);
  const texts: string[] = [];
  let offset = 0;
  for (const batch of batches) {
    const columns = batch.columns;
    series.set(columns.series, offset);
    ts.set(columns.ts, offset);
    values.set(columns.values, offset);
    quality.set(columns.quality, offset);
    for (const index of batch.textPoints) values[offset + index] = (columns.values[index] as number) + texts.length;
    for (const text of columns.texts) texts.push(text);
    offset += columns.series.length;
  }
  return { series, ts, values, quality, texts };
}

function distinctPoints(series: Uint32Array, ts: Float64Array): number {
  const seen = new Set<string>();
  for (let index = 0; index < series.length; index++) seen.add(`${series[index] as number}:${ts[index] as number}`);
  return seen.size;
}
