import { widthOf, type ByteOrder, type ModbusDataType } from './data-types.ts';

const scratch = new DataView(new ArrayBuffer(8));

/**
 * The raw number held by the registers at `byteOffset` of `bytes` (register data as on the wire:
 * each register high byte first). `wordOrder` big: the first register is the most significant
 * (ABCD); little: the least (CDAB). `byteOrder` little swaps the two bytes of every register (BADC).
 * 64-bit integers beyond ±2^53 lose precision (points carry doubles). Floats come back as the
 * shortest decimal that is the same float32 (12.3, not 12.300000190734863).
 */
export function decodeRegisters(
  bytes: Uint8Array,
  byteOffset: number,
  type: Exclude<ModbusDataType, 'bool'>,
  wordOrder: ByteOrder,
  byteOrder: ByteOrder,
): number {
  const words = widthOf(type);
  for (let word = 0; word < words; word++) {
    const from = byteOffset + 2 * (wordOrder === 'big' ? word : words - 1 - word);
    const high = bytes[from] ?? 0;
    const low = bytes[from + 1] ?? 0;
    scratch.setUint8(2 * word, byteOrder === 'big' ? high : low);
    scratch.setUint8(2 * word + 1, byteOrder === 'big' ? low : high);
  }
  switch (type) {
    case 'int16':
      return scratch.getInt16(0);
    case 'uint16':
      return scratch.getUint16(0);
    case 'int32':
      return scratch.getInt32(0);
    case 'uint32':
      return scratch.getUint32(0);
    case 'float32':
      return shortestFloat32(scratch.getFloat32(0));
    case 'float64':
      return scratch.getFloat64(0);
    case 'int64':
      return Number(scratch.getBigInt64(0));
    case 'uint64':
      return Number(scratch.getBigUint64(0));
  }
}

/** The engineering value of a raw number: raw × scale + offset, dividing when scale is 1/n so 1234 × 0.01 is 12.34. */
export function scaleValue(raw: number, scale: number, offset: number): number {
  if (scale === 1) return raw + offset;
  const divisor = 1 / scale;
  const scaled = Number.isInteger(divisor) ? raw / divisor : raw * scale;
  return scaled + offset;
}

/** A float32 as the shortest decimal that rounds to the same float32. */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
