import type { Point, PointValue, Quality } from '@shopfloor/model';
import { ByteReader, ByteWriter } from './bytes.ts';

/**
 * Points as columns, the form they travel in between the edge's main thread and the outbox worker
 * and rest in the outbox journal: one index per point into `tags`, and `flags` = quality (bits 0–1)
 * | value kind (bits 2–3). A string point's `values[i]` is the index of its text in `texts`.
 */
export interface PointColumns {
  readonly tags: readonly string[];
  readonly tagIndex: Uint32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
  readonly flags: Uint8Array;
  readonly texts: readonly string[];
}

export const qualityNames: readonly Quality[] = ['good', 'uncertain', 'bad'];
export const kindNumber = 0;
export const kindBoolean = 1;
export const kindString = 2;

const qualityCode = (quality: Quality): number => (quality === 'good' ? 0 : quality === 'uncertain' ? 1 : 2);

/**
 * The main thread's tag numbering for one outbox session: a tag costs a map lookup per point and
 * crosses to the worker once, as a new tag.
 */
export class TagCatalog {
  readonly #ids = new Map<string, number>();

  /** Columns over session tag ids; `newTags` lists the tags numbered by this call, in id order. */
  encode(points: readonly Point[]): { readonly columns: Omit<PointColumns, 'tags'>; readonly newTags: string[] } {
    const count = points.length;
    const tagIndex = new Uint32Array(count);
    const ts = new Float64Array(count);
    const values = new Float64Array(count);
    const flags = new Uint8Array(count);
    const texts: string[] = [];
    const newTags: string[] = [];
    const ids = this.#ids;
    for (let index = 0; index < count; index++) {
      const point = points[index] as Point;
      let id = ids.get(point.tag);
      if (id === undefined) {
        id = ids.size;
        ids.set(point.tag, id);
        newTags.push(point.tag);
      }
      tagIndex[index] = id;
      ts[index] = point.ts;
      const value = point.value;
      let kind = kindNumber;
      if (typeof value === 'number') values[index] = value;
      else if (typeof value === 'boolean') {
        kind = kindBoolean;
        values[index] = value ? 1 : 0;
      } else {
        kind = kindString;
        values[index] = texts.length;
        texts.push(value);
      }
      flags[index] = qualityCode(point.quality) | (kind << 2);
    }
    return { columns: { tagIndex, ts, values, flags, texts }, newTags };
  }
}

/** Rebuilds the tag dictionary (and texts) of `columns[start, end)` to hold only what the range uses. */
export function compactColumns(columns: PointColumns, start: number, end: number, sessionTags?: readonly string[]): PointColumns {
  const dictionary = sessionTags ?? columns.tags;
  const count = end - start;
  const remap = new Int32Array(dictionary.length).fill(-1);
  const tags: string[] = [];
  const tagIndex = new Uint32Array(count);
  const values = columns.values.slice(start, end);
  const flags = columns.flags.slice(start, end);
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    const from = columns.tagIndex[start + index] as number;
    let local = remap[from] as number;
    if (local < 0) {
      local = tags.length;
      remap[from] = local;
      tags.push(dictionary[from] as string);
    }
    tagIndex[index] = local;
    if ((flags[index] as number) >> 2 === kindString) {
      values[index] = texts.length;
      texts.push(columns.texts[columns.values[start + index] as number] as string);
    }
  }
  return { tags, tagIndex, ts: columns.ts.slice(start, end), values, flags, texts };
}

/** A journal row body: counts, dictionary, texts, then the 8-byte aligned columns. */
export function serializeColumns(columns: PointColumns): Uint8Array {
  const count = columns.ts.length;
  const writer = new ByteWriter(64 + count * 21);
  writer.u32(count);
  writer.u32(columns.tags.length);
  writer.u32(columns.texts.length);
  for (const tag of columns.tags) writer.text(tag);
  for (const text of columns.texts) writer.text(text);
  while (writer.length % 8 !== 0) writer.u8(0);
  writer.bytes(new Uint8Array(columns.ts.buffer, columns.ts.byteOffset, count * 8));
  writer.bytes(new Uint8Array(columns.values.buffer, columns.values.byteOffset, count * 8));
  writer.bytes(new Uint8Array(columns.tagIndex.buffer, columns.tagIndex.byteOffset, count * 4));
  writer.bytes(columns.flags.subarray(0, count));
  return writer.view().slice();
}

export function deserializeColumns(blob: Uint8Array): PointColumns {
  const bytes = blob.slice(); // own, 8-aligned buffer for the typed-array views
  const reader = new ByteReader(bytes);
  const count = reader.u32();
  const tagCount = reader.u32();
  const textCount = reader.u32();
  const tags: string[] = [];
  for (let index = 0; index < tagCount; index++) tags.push(reader.text());
  const texts: string[] = [];
  for (let index = 0; index < textCount; index++) texts.push(reader.text());
  let at = reader.offset;
  while (at % 8 !== 0) at++;
  if (at + count * 21 > bytes.length) throw new RangeError(`journal row truncated: ${count} points need ${at + count * 21} bytes, have ${bytes.length}`);
  const ts = new Float64Array(bytes.buffer, at, count);
  const values = new Float64Array(bytes.buffer, at + count * 8, count);
  const tagIndex = new Uint32Array(bytes.buffer, at + count * 16, count);
  const flags = new Uint8Array(bytes.buffer, at + count * 20, count);
  return { tags, tagIndex, ts, values, flags, texts };
}

export function valueOf(columns: PointColumns, index: number): PointValue {
  const kind = (columns.flags[index] as number) >> 2;
  const raw = columns.values[index] as number;
  if (kind === kindNumber) return raw;
  if (kind === kindBoolean) return raw !== 0;
  return columns.texts[raw] as string;
}

/** The points of `columns[start, end)` as objects (tests and the model; the hub decodes messages instead). */
export function columnsToPoints(columns: PointColumns, start = 0, end = columns.ts.length): Point[] {
  const points: Point[] = [];
  for (let index = start; index < end; index++) {
    points.push({
      tag: columns.tags[columns.tagIndex[index] as number] as string,
      ts: columns.ts[index] as number,
      value: valueOf(columns, index),
      quality: qualityNames[(columns.flags[index] as number) & 3] as Quality,
    });
  }
  return points;
}
