/**
 * The body of a points message: columnar per tag, so deflate sees runs of similar bytes.
 *
 *   tagCount, then per tag: path, n, timestamps, values, qualities
 *   timestamps  0: integer ms, zigzag(first), zigzag(first delta), zigzag(delta of delta)…
 *               1: float64 each
 *   values      0: decimals k, then zigzag deltas of value·10^k (exact for PLC-style scaled values)
 *               1: float64 XOR previous        5: float32 XOR previous (values that are exact float32)
 *               2: booleans, a byte each        3: strings               4: mixed, a kind byte each
 *   qualities   0: all good                     1: a byte each (0 good, 1 uncertain, 2 bad)
 * Integers are LEB128 varints; zigzag maps signed to unsigned. Points keep their order within a tag.
 */
import type { Point, PointValue, Quality } from '@shopfloor/model';
import { ByteReader, ByteWriter } from './bytes.ts';
import { kindBoolean, kindNumber, kindString, qualityNames, type PointColumns } from './point-columns.ts';

/** A range of one columns batch: what a message is packed from. */
export interface PointRun {
  readonly columns: PointColumns;
  readonly start: number;
  readonly end: number;
}

const scratch64 = new Float64Array(1);
const scratch64Words = new Uint32Array(scratch64.buffer);
const scratch32 = new Float32Array(1);
const scratch32Word = new Uint32Array(scratch32.buffer);
const maxScaled = 2 ** 50;
const powers = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/** Encodes the runs, in order, into one body. `writer` is reset and reused. */
export function encodePointsBody(runs: readonly PointRun[], writer: ByteWriter): Uint8Array {
  let total = 0;
  for (const run of runs) total += run.end - run.start;
  const ts = new Float64Array(total);
  const values = new Float64Array(total);
  const flags = new Uint8Array(total);
  const tagOf = new Uint32Array(total);
  const texts: string[] = [];
  const dictionary = new Map<string, number>();
  const tags: string[] = [];
  let at = 0;
  for (const run of runs) {
    const { columns } = run;
    const remap = new Int32Array(columns.tags.length).fill(-1);
    for (let index = run.start; index < run.end; index++, at++) {
      const local = columns.tagIndex[index] as number;
      let global = remap[local] as number;
      if (global < 0) {
        const path = columns.tags[local] as string;
        global = dictionary.get(path) ?? -1;
        if (global < 0) {
          global = tags.length;
          dictionary.set(path, global);
          tags.push(path);
        }
        remap[local] = global;
      }
      tagOf[at] = global;
      ts[at] = columns.ts[index] as number;
      const flag = columns.flags[index] as number;
      flags[at] = flag;
      if (flag >> 2 === kindString) {
        values[at] = texts.length;
        texts.push(columns.texts[columns.values[index] as number] as string);
      } else values[at] = columns.values[index] as number;
    }
  }
  // Counting sort by tag keeps each tag's points in their order.
  const starts = new Uint32Array(tags.length + 1);
  for (let index = 0; index < total; index++) {
    const slot = (tagOf[index] as number) + 1;
    starts[slot] = (starts[slot] as number) + 1;
  }
  for (let tag = 0; tag < tags.length; tag++) starts[tag + 1] = (starts[tag + 1] as number) + (starts[tag] as number);
  const fill = starts.slice(0, tags.length);
  const order = new Uint32Array(total);
  for (let index = 0; index < total; index++) {
    const tag = tagOf[index] as number;
    const at = fill[tag] as number;
    order[at] = index;
    fill[tag] = at + 1;
  }

  writer.reset();
  writer.ensure(16 + total * 4);
  writer.varuint(tags.length);
  for (let tag = 0; tag < tags.length; tag++) {
    const from = starts[tag] as number;
    const to = starts[tag + 1] as number;
    writer.text(tags[tag] as string);
    writer.varuint(to - from);
    writeTimestamps(writer, ts, order, from, to);
    writeValues(writer, values, flags, texts, order, from, to);
    writeQualities(writer, flags, order, from, to);
  }
  return writer.view();
}

function writeTimestamps(writer: ByteWriter, ts: Float64Array, order: Uint32Array, from: number, to: number): void {
  let integers = true;
  for (let at = from; at < to; at++) {
    const value = ts[order[at] as number] as number;
    if (!Number.isInteger(value) || Math.abs(value) >= 2 ** 49) {
      integers = false;
      break;
    }
  }
  if (!integers) {
    writer.u8(1);
    for (let at = from; at < to; at++) writer.f64(ts[order[at] as number] as number);
    return;
  }
  writer.u8(0);
  let previous = ts[order[from] as number] as number;
  writer.zigzag(previous);
  let previousDelta = 0;
  for (let at = from + 1; at < to; at++) {
    const value = ts[order[at] as number] as number;
    const delta = value - previous;
    writer.zigzag(delta - previousDelta);
    previousDelta = delta;
    previous = value;
  }
}

/** The smallest number of decimals (0–6) at which every value is an exact scaled integer, or -1. */
function decimalsOf(values: Float64Array, order: Uint32Array, from: number, to: number): number {
  let decimals = 0;
  for (let at = from; at < to; at++) {
    const value = values[order[at] as number] as number;
    for (;;) {
      const scale = powers[decimals] as number;
      const scaled = Math.round(value * scale);
      if (scaled / scale === value && Math.abs(scaled) < maxScaled && !(value === 0 && 1 / value < 0)) break;
      if (++decimals >= powers.length) return -1;
      at = from - 1; // a finer scale: check every value again
      break;
    }
  }
  return decimals;
}

function writeValues(
  writer: ByteWriter,
  values: Float64Array,
  flags: Uint8Array,
  texts: readonly string[],
  order: Uint32Array,
  from: number,
  to: number,
): void {
  const kind = (flags[order[from] as number] as number) >> 2;
  let uniform = true;
  for (let at = from + 1; at < to; at++) {
    if ((flags[order[at] as number] as number) >> 2 !== kind) {
      uniform = false;
      break;
    }
  }
  if (!uniform) {
    writer.u8(4);
    for (let at = from; at < to; at++) {
      const index = order[at] as number;
      const own = (flags[index] as number) >> 2;
      writer.u8(own);
      if (own === kindNumber) writer.f64(values[index] as number);
      else if (own === kindBoolean) writer.u8(values[index] as number);
      else writer.text(texts[values[index] as number] as string);
    }
    return;
  }
  if (kind === kindBoolean) {
    writer.u8(2);
    for (let at = from; at < to; at++) writer.u8(values[order[at] as number] as number);
    return;
  }
  if (kind === kindString) {
    writer.u8(3);
    for (let at = from; at < to; at++) writer.text(texts[values[order[at] as number] as number] as string);
    return;
  }
  const decimals = decimalsOf(values, order, from, to);
  if (decimals >= 0) {
    const scale = powers[decimals] as number;
    writer.u8(0);
    writer.u8(decimals);
    let previous = 0;
    for (let at = from; at < to; at++) {
      const scaled = Math.round((values[order[at] as number] as number) * scale);
      writer.zigzag(scaled - previous);
      previous = scaled;
    }
    return;
  }
  let float32 = true;
  for (let at = from; at < to; at++) {
    const value = values[order[at] as number] as number;
    if (Math.fround(value) !== value) {
      float32 = false;
      break;
    }
  }
  if (float32) {
    writer.u8(5);
    let previous = 0;
    for (let at = from; at < to; at++) {
      scratch32[0] = values[order[at] as number] as number;
      const word = scratch32Word[0] as number;
      writer.u32((word ^ previous) >>> 0);
      previous = word;
    }
    return;
  }
  writer.u8(1);
  let previousLow = 0;
  let previousHigh = 0;
  for (let at = from; at < to; at++) {
    scratch64[0] = values[order[at] as number] as number;
    const low = scratch64Words[0] as number;
    const high = scratch64Words[1] as number;
    writer.u32((low ^ previousLow) >>> 0);
    writer.u32((high ^ previousHigh) >>> 0);
    previousLow = low;
    previousHigh = high;
  }
}

function writeQualities(writer: ByteWriter, flags: Uint8Array, order: Uint32Array, from: number, to: number): void {
  let allGood = true;
  for (let at = from; at < to; at++) {
    if (((flags[order[at] as number] as number) & 3) !== 0) {
      allGood = false;
      break;
    }
  }
  writer.u8(allGood ? 0 : 1);
  if (!allGood) for (let at = from; at < to; at++) writer.u8((flags[order[at] as number] as number) & 3);
}

/** Decodes a body into points (grouped by tag, each tag in its original order); throws on malformed input. */
export function decodePointsBody(body: Uint8Array, expected: number): Point[] {
  const reader = new ByteReader(body);
  const points: Point[] = [];
  const tagCount = reader.varuint();
  const ts: number[] = [];
  const values: PointValue[] = [];
  for (let tag = 0; tag < tagCount; tag++) {
    const path = reader.text();
    const count = reader.varuint();
    if (points.length + count > expected) throw new RangeError(`more points than the ${expected} the header announces`);
    ts.length = 0;
    values.length = 0;
    readTimestamps(reader, count, ts);
    readValues(reader, count, values);
    const qualityMode = reader.u8();
    for (let index = 0; index < count; index++) {
      const quality: Quality = qualityMode === 0 ? 'good' : readQuality(reader);
      points.push({ tag: path, ts: ts[index] as number, value: values[index] as PointValue, quality });
    }
  }
  if (points.length !== expected) throw new RangeError(`${points.length} points decoded, the header announces ${expected}`);
  if (reader.offset !== body.length) throw new RangeError(`${body.length - reader.offset} byte(s) after the last tag`);
  return points;
}

function readQuality(reader: ByteReader): Quality {
  const code = reader.u8();
  const quality = qualityNames[code];
  if (quality === undefined) throw new RangeError(`quality code ${code} is not 0, 1 or 2`);
  return quality;
}

function readTimestamps(reader: ByteReader, count: number, out: number[]): void {
  const mode = reader.u8();
  if (mode === 1) {
    for (let index = 0; index < count; index++) out.push(reader.f64());
    return;
  }
  if (mode !== 0) throw new RangeError(`timestamp mode ${mode} is unknown`);
  if (count === 0) return;
  let previous = reader.zigzag();
  out.push(previous);
  let delta = 0;
  for (let index = 1; index < count; index++) {
    delta += reader.zigzag();
    previous += delta;
    out.push(previous);
  }
}

function readValues(reader: ByteReader, count: number, out: PointValue[]): void {
  const mode = reader.u8();
  switch (mode) {
    case 0: {
      const decimals = reader.u8();
      const scale = powers[decimals];
      if (scale === undefined) throw new RangeError(`${decimals} decimals is more than 6`);
      let scaled = 0;
      for (let index = 0; index < count; index++) {
        scaled += reader.zigzag();
        out.push(scaled / scale);
      }
      return;
    }
    case 1: {
      let low = 0;
      let high = 0;
      for (let index = 0; index < count; index++) {
        low = (low ^ reader.u32()) >>> 0;
        high = (high ^ reader.u32()) >>> 0;
        scratch64Words[0] = low;
        scratch64Words[1] = high;
        out.push(scratch64[0] as number);
      }
      return;
    }
    case 5: {
      let word = 0;
      for (let index = 0; index < count; index++) {
        word = (word ^ reader.u32()) >>> 0;
        scratch32Word[0] = word;
        out.push(scratch32[0] as number);
      }
      return;
    }
    case 2:
      for (let index = 0; index < count; index++) out.push(reader.u8() !== 0);
      return;
    case 3:
      for (let index = 0; index < count; index++) out.push(reader.text());
      return;
    case 4:
      for (let index = 0; index < count; index++) {
        const kind = reader.u8();
        if (kind === kindNumber) out.push(reader.f64());
        else if (kind === kindBoolean) out.push(reader.u8() !== 0);
        else if (kind === kindString) out.push(reader.text());
        else throw new RangeError(`value kind ${kind} is unknown`);
      }
      return;
    default:
      throw new RangeError(`value mode ${mode} is unknown`);
  }
}
