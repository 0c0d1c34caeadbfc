import { ByteWriter } from '../wire/bytes.ts';
import { encodeMessage, type MessageKind, type UplinkClass } from '../wire/message.ts';
import type { PointColumns } from '../wire/point-columns.ts';
import { encodePointsBody, type PointRun } from '../wire/points-codec.ts';

/** Data waiting to be packed: a journal row (or a group of this commit) of points or records. */
export type PackData = { readonly kind: 'points'; readonly columns: PointColumns } | { readonly kind: 'records'; readonly records: readonly unknown[] };

/** Upper bound of the encoded size of points `[start, end)` (before compression), tags and texts included. */
export function pointsSizeBound(columns: PointColumns, start: number, end: number): number {
  let bytes = (end - start) * 19 + 8;
  for (const tag of columns.tags) bytes += tag.length * 3 + 16;
  if (columns.texts.length > 0) {
    for (let index = start; index < end; index++) {
      if ((columns.flags[index] as number) >> 2 === 2) bytes += (columns.texts[columns.values[index] as number] as string).length * 3 + 5;
    }
  }
  return bytes;
}

/** Upper bound of the encoded size of items `[start, end)`. */
export function sliceBound(data: PackData, start: number, end: number): number {
  if (data.kind === 'points') return pointsSizeBound(data.columns, start, end);
  let bytes = 2;
  for (let index = start; index < end; index++) bytes += JSON.stringify(data.records[index]).length * 3 + 1;
  return bytes;
}

/** How many items of `[start, end)` fit in `budget` bytes (at least one). */
export function fitCount(data: PackData, start: number, end: number, budget: number): number {
  if (data.kind === 'records') {
    let bytes = 2;
    for (let index = start; index < end; index++) {
      bytes += JSON.stringify(data.records[index]).length * 3 + 1;
      if (bytes > budget) return Math.max(1, index - start);
    }
    return end - start;
  }
  if (pointsSizeBound(data.columns, start, end) <= budget) return end - start;
  let low = 1;
  let high = end - start;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (pointsSizeBound(data.columns, start, start + middle) <= budget) low = middle;
    else high = middle - 1;
  }
  return low;
}

export interface PackedMessage {
  readonly message: Buffer;
  readonly count: number;
  readonly firstTs: number;
  readonly lastTs: number;
}

export interface PackHeader {
  readonly edgeId: string;
  readonly stream: string;
  readonly seq: number;
  readonly created: number;
  readonly klass: UplinkClass;
  readonly kind: MessageKind;
}

const writer = new ByteWriter(65_536);

/** Encodes and compresses the slices, in order, into one message. */
export function packSlices(header: PackHeader, slices: readonly { data: PackData; start: number; end: number }[], level: number): PackedMessage {
  let count = 0;
  let firstTs = Number.POSITIVE_INFINITY;
  let lastTs = Number.NEGATIVE_INFINITY;
  let body: Uint8Array;
  if (header.kind === 'points') {
    const runs: PointRun[] = [];
    for (const slice of slices) {
      if (slice.data.kind !== 'points') continue;
      const { columns } = slice.data;
      runs.push({ columns, start: slice.start, end: slice.end });
      count += slice.end - slice.start;
      for (let index = slice.start; index < slice.end; index++) {
        const ts = columns.ts[index] as number;
        if (ts < firstTs) firstTs = ts;
        if (ts > lastTs) lastTs = ts;
      }
    }
    body = encodePointsBody(runs, writer);
  } else {
    const records: unknown[] = [];
    for (const slice of slices) if (slice.data.kind === 'records') records.push(...slice.data.records.slice(slice.start, slice.end));
    count = records.length;
    firstTs = lastTs = header.created;
    body = Buffer.from(JSON.stringify(records), 'utf8');
  }
  if (count === 0) firstTs = lastTs = header.created;
  return { message: encodeMessage({ ...header, count }, body, level), count, firstTs, lastTs };
}

/** A status or drops message: one JSON document. */
export function packDocument(header: PackHeader, document: unknown, level: number): PackedMessage {
  const body = Buffer.from(JSON.stringify(document), 'utf8');
  return { message: encodeMessage({ ...header, count: 1 }, body, level), count: 1, firstTs: header.created, lastTs: header.created };
}
