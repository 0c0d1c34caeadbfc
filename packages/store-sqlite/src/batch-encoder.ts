import { InputError, type Point } from '@shopfloor/model';
import { seriesKindOf, type SeriesCatalog, type SeriesEntry } from './series-catalog.ts';
import type { CommitColumns, SeriesDefinition } from './worker-protocol.ts';

/** One write() call turned into columns, ready to join a group commit. */
export interface EncodedBatch {
  readonly columns: CommitColumns;
  /** Indexes of string points (their `values` index into `texts`, shifted when batches are joined). */
  readonly textPoints: readonly number[];
  readonly newSeries: readonly SeriesDefinition[];
  /** Distinct (tag, ts) in the batch: what the write's receipt reports. */
  readonly stored: number;
}

const qualityCodes: Readonly<Record<string, number>> = { good: 0, uncertain: 1, bad: 2 };

/**
 * Validates and encodes a batch in one pass. A refused batch throws an InputError naming the
 * tag and leaves the catalog untouched; an accepted one adds its new series to the catalog.
 */
export function encodeBatch(batch: readonly Point[], catalog: SeriesCatalog, mark: number): EncodedBatch {
  const count = batch.length;
  const series = new Uint32Array(count);
  const ts = new Float64Array(count);
  const values = new Float64Array(count);
  const quality = new Uint8Array(count);
  const texts: string[] = [];
  const textPoints: number[] = [];
  const proposed = new Map<string, SeriesEntry>();
  let repeats = false;
  for (let index = 0; index < count; index++) {
    const point = batch[index] as Point;
    const value = point.value;
    let entry = catalog.get(point.tag) ?? proposed.get(point.tag);
    if (entry === undefined) {
      if (typeof point.tag !== 'string' || point.tag.length === 0) throw new InputError('SF_TAG_PATH_INVALID', `point ${index} of the batch has no tag path`);
      entry = catalog.propose(point.tag, seriesKindOf(value), proposed.size);
      proposed.set(point.tag, entry);
    }
    const code = qualityCodes[point.quality];
    if (code === undefined)
      throw new InputError('SF_BAD_REQUEST', `tag "${point.tag}": quality ${JSON.stringify(point.quality)} is not good, uncertain or bad`);
    if (!Number.isFinite(point.ts))
      throw new InputError('SF_BAD_REQUEST', `tag "${point.tag}": timestamp ${String(point.ts)} is not a finite number of milliseconds`);
    series[index] = entry.id;
    ts[index] = point.ts;
    quality[index] = code;
    if (typeof value === 'number' && entry.kind === 'number') {
      if (!Number.isFinite(value)) throw new InputError('SF_BAD_REQUEST', `tag "${point.tag}": value ${String(value)} is not a finite number`);
      values[index] = value;
    } else if (typeof value === 'boolean' && entry.kind === 'boolean') {
      values[index] = value ? 1 : 0;
    } else if (typeof value === 'string' && entry.kind === 'string') {
      values[index] = texts.length;
      texts.push(value);
      textPoints.push(index);
    } else {
      throw new InputError('SF_BAD_REQUEST', `tag "${point.tag}" stores ${entry.kind} values; got ${typeof value} ${JSON.stringify(value)}`);
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
  const newSeries = [...proposed.values()];
  catalog.adopt(newSeries);
  const stored = repeats ? distinctPoints(series, ts) : count;
  return { columns: { series, ts, values, quality, texts }, textPoints, newSeries: newSeries.map(({ id, path, kind }) => ({ id, path, kind })), stored };
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
