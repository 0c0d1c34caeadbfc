/**
 * The BLOB of one chunk row: the points of one series in one chunk window, ascending by time.
 *
 *   u8 version (1) | u8 flags | u32 count
 *   timestamps: f64 first + varint deltas, or count × f64 when a timestamp is not an integer
 *   values:     count × f64, or for strings count × (varint byte length + UTF-8)
 *   qualities:  count × u8, left out when every point is good
 *
 * Numbers are little-endian.
 */
import { BugError } from '@shopfloor/model';

/** Points of one chunk, `count` long; `texts` holds the values of a string series. */
export interface ChunkColumns {
  readonly count: number;
  readonly ts: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly quality: ArrayLike<number>;
  readonly texts: readonly string[] | undefined;
}

export interface DecodedChunk extends ChunkColumns {
  readonly ts: Float64Array;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
}

const version = 1;
const headerBytes = 6;
const flagStrings = 1;
const flagRawTimestamps = 2;
const flagAllGood = 4;

export function encodeChunk(chunk: ChunkColumns): Buffer {
  const { count, ts, values, quality, texts } = chunk;
  let integerTimes = true;
  let allGood = true;
  for (let index = 0; index < count; index++) {
    if (!Number.isSafeInteger(ts[index])) integerTimes = false;
    if (quality[index] !== 0) allGood = false;
  }
  let textBytes = 0;
  if (texts !== undefined) for (let index = 0; index < count; index++) textBytes += Buffer.byteLength(texts[index] as string) + 5;
  const bytes = headerBytes + (integerTimes ? 8 + count * 8 : count * 8) + (texts === undefined ? count * 8 : textBytes) + (allGood ? 0 : count);
  const out = Buffer.allocUnsafe(bytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = version;
  out[1] = (texts === undefined ? 0 : flagStrings) | (integerTimes ? 0 : flagRawTimestamps) | (allGood ? flagAllGood : 0);
  view.setUint32(2, count, true);
  let offset = headerBytes;
  if (integerTimes && count > 0) {
    view.setFloat64(offset, ts[0] as number, true);
    offset += 8;
    for (let index = 1; index < count; index++) offset = writeVarint(out, offset, (ts[index] as number) - (ts[index - 1] as number));
  } else {
    for (let index = 0; index < count; index++, offset += 8) view.setFloat64(offset, ts[index] as number, true);
  }
  if (texts === undefined) {
    for (let index = 0; index < count; index++, offset += 8) view.setFloat64(offset, values[index] as number, true);
  } else {
    for (let index = 0; index < count; index++) {
      const text = texts[index] as string;
      const length = Buffer.byteLength(text);
      offset = writeVarint(out, offset, length);
      offset += out.write(text, offset, length, 'utf8');
    }
  }
  if (!allGood) for (let index = 0; index < count; index++) out[offset++] = quality[index] as number;
  return out.subarray(0, offset);
}

/**
 * Reusable columns to decode into, for readers that consume a chunk before decoding the next:
 * saves three typed-array allocations per chunk row.
 */
export class DecodeScratch {
  ts = new Float64Array(256);
  values = new Float64Array(256);
  quality = new Uint8Array(256);

  reserve(count: number): void {
    if (count <= this.ts.length) return;
    const size = Math.max(count, this.ts.length * 2);
    this.ts = new Float64Array(size);
    this.values = new Float64Array(size);
    this.quality = new Uint8Array(size);
  }
}

/** Decodes a chunk row. With `scratch` the columns are its arrays (longer than `count`), valid until its next use. */
export function decodeChunk(blob: Uint8Array, scratch?: DecodeScratch): DecodedChunk {
  const bytes = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== version) throw new BugError(`chunk format version ${String(bytes[0])} is not supported (expected ${version})`);
  const flags = bytes[1] as number;
  const count = view.getUint32(2, true);
  scratch?.reserve(count);
  const ts = scratch === undefined ? new Float64Array(count) : scratch.ts;
  const values = scratch === undefined ? new Float64Array(count) : scratch.values;
  const quality = scratch === undefined ? new Uint8Array(count) : scratch.quality;
  let offset = headerBytes;
  const cursor = { offset: 0 };
  if ((flags & flagRawTimestamps) === 0 && count > 0) {
    let time = view.getFloat64(offset, true);
    ts[0] = time;
    cursor.offset = offset + 8;
    for (let index = 1; index < count; index++) {
      time += readVarint(bytes, cursor);
      ts[index] = time;
    }
    offset = cursor.offset;
  } else {
    for (let index = 0; index < count; index++, offset += 8) ts[index] = view.getFloat64(offset, true);
  }
  let texts: string[] | undefined;
  if ((flags & flagStrings) === 0) {
    for (let index = 0; index < count; index++, offset += 8) values[index] = view.getFloat64(offset, true);
  } else {
    texts = new Array<string>(count);
    values.fill(0, 0, count);
    cursor.offset = offset;
    for (let index = 0; index < count; index++) {
      const length = readVarint(bytes, cursor);
      texts[index] = bytes.toString('utf8', cursor.offset, cursor.offset + length);
      cursor.offset += length;
    }
    offset = cursor.offset;
  }
  if ((flags & flagAllGood) === 0) quality.set(bytes.subarray(offset, offset + count));
  else quality.fill(0, 0, count);
  return { count, ts, values, quality, texts };
}

/** Unsigned LEB128 of a non-negative integer up to 2^53. */
function writeVarint(out: Buffer, offset: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    out[offset++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[offset++] = rest;
  return offset;
}

function readVarint(bytes: Uint8Array, cursor: { offset: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[cursor.offset++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}
