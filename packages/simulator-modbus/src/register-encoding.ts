/**
 * How a tag value becomes 16-bit registers and back. 32-bit values use word order "ABCD": the
 * high word first, each word big-endian, so the four bytes on the wire are the IEEE 754 or two's
 * complement big-endian bytes of the value, in order.
 */

export const wordOrder = 'ABCD';
export type WordOrder = typeof wordOrder;

/** The register encodings of the map: 32-bit float, 32/16-bit signed integers (optionally scaled). */
export const registerEncodings = ['float32', 'int32', 'int16'] as const;
export type RegisterEncoding = (typeof registerEncodings)[number];

export const int16Limits = { min: -32_768, max: 32_767 } as const;
const int32Limits = { min: -2_147_483_648, max: 2_147_483_647 } as const;

/** Largest decimal exponent of an INT16 scaled value: at most three decimals. */
export const maxScaleExponent = 3;

export function registerCount(encoding: RegisterEncoding): 1 | 2 {
  return encoding === 'int16' ? 1 : 2;
}

const scratch = new DataView(new ArrayBuffer(4));

/**
 * The registers of `value` (a finite number) in `encoding`; integers are rounded and held at the
 * limits of their type (a 16-bit register cannot say more). `scale` is 10^k for INT16 scaled.
 */
export function encodeRegisters(value: number, encoding: RegisterEncoding, scale: number): number[] {
  switch (encoding) {
    case 'float32':
      scratch.setFloat32(0, value);
      return [scratch.getUint16(0), scratch.getUint16(2)];
    case 'int32':
      scratch.setInt32(0, clamp(Math.round(value), int32Limits.min, int32Limits.max));
      return [scratch.getUint16(0), scratch.getUint16(2)];
    case 'int16':
      return [clamp(Math.round(value * scale), int16Limits.min, int16Limits.max) & 0xffff];
  }
}

/** The value the registers hold: the inverse of `encodeRegisters` (floats to their shortest decimal). */
export function decodeRegisters(registers: readonly number[], encoding: RegisterEncoding, scale: number): number {
  switch (encoding) {
    case 'float32':
      scratch.setUint16(0, registers[0] ?? 0);
      scratch.setUint16(2, registers[1] ?? 0);
      return shortestFloat32(scratch.getFloat32(0));
    case 'int32':
      scratch.setUint16(0, registers[0] ?? 0);
      scratch.setUint16(2, registers[1] ?? 0);
      return scratch.getInt32(0);
    case 'int16': {
      scratch.setUint16(0, registers[0] ?? 0);
      const raw = scratch.getInt16(0);
      return scale === 1 ? raw : Number((raw / scale).toFixed(Math.round(Math.log10(scale))));
    }
  }
}

/**
 * The exponent k of INT16 scaled (raw = value × 10^k): the most decimals, up to three, that keep
 * the whole range [min, max] inside a signed 16-bit register; undefined when not even k = 0 does.
 */
export function scaleExponent(min: number, max: number): number | undefined {
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  for (let exponent = maxScaleExponent; exponent >= 0; exponent--) {
    if (magnitude * 10 ** exponent <= int16Limits.max) return exponent;
  }
  return undefined;
}

/** A written float as the shortest decimal that is the same float32 (12.3, not 12.300000190734863). */
function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
