/**
 * A growable byte buffer with the primitives of the uplink encodings: LEB128 unsigned varints
 * (exact up to 2^53), zigzag for signed integers, little-endian floats and length-prefixed UTF-8.
 */
export class ByteWriter {
  #buffer: Uint8Array;
  #view: DataView;
  length = 0;

  constructor(capacity = 4_096) {
    this.#buffer = new Uint8Array(capacity);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.length));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.#buffer[this.length++] = value;
  }

  /** A non-negative integer up to 2^53. */
  varuint(value: number): void {
    this.ensure(8);
    const buffer = this.#buffer;
    let at = this.length;
    if (value < 0x80) {
      buffer[at++] = value;
    } else if (value < 0x10000000) {
      while (value >= 0x80) {
        buffer[at++] = (value & 0x7f) | 0x80;
        value >>>= 7;
      }
      buffer[at++] = value;
    } else {
      while (value >= 0x80) {
        buffer[at++] = (value % 0x80) | 0x80;
        value = Math.floor(value / 0x80);
      }
      buffer[at++] = value;
    }
    this.length = at;
  }

  /** A signed integer with |value| below 2^52. */
  zigzag(value: number): void {
    this.varuint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  f64(value: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  u32(value: number): void {
    this.ensure(4);
    this.#view.setUint32(this.length, value, true);
    this.length += 4;
  }

  bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.#buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** UTF-8 with a varint byte-length prefix. */
  text(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.varuint(bytes.length);
    this.bytes(bytes);
  }

  /** The bytes written (a view: copy it before writing again). */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}

/** Reads what `ByteWriter` wrote; every read past the end throws a RangeError. */
export class ByteReader {
  readonly #buffer: Uint8Array;
  readonly #view: DataView;
  offset: number;
  readonly end: number;

  constructor(buffer: Uint8Array, offset = 0, end = buffer.length) {
    this.#buffer = buffer;
    this.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.offset = offset;
    this.end = end;
  }

  #need(count: number): void {
    if (this.offset + count > this.end) throw new RangeError(`truncated: ${count} byte(s) needed at offset ${this.offset} of ${this.end}`);
  }

  u8(): number {
    this.#need(1);
    return this.#buffer[this.offset++] as number;
  }

  varuint(): number {
    let result = 0;
    let scale = 1;
    for (let index = 0; index < 8; index++) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw new RangeError(`varint longer than 8 bytes at offset ${this.offset}`);
  }

  zigzag(): number {
    const value = this.varuint();
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  f64(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  u32(): number {
    this.#need(4);
    const value = this.#view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  bytes(count: number): Uint8Array {
    this.#need(count);
    const bytes = this.#buffer.subarray(this.offset, this.offset + count);
    this.offset += count;
    return bytes;
  }

  text(): string {
    const length = this.varuint();
    this.#need(length);
    const value = Buffer.from(this.#buffer.buffer, this.#buffer.byteOffset + this.offset, length).toString('utf8');
    this.offset += length;
    return value;
  }
}
