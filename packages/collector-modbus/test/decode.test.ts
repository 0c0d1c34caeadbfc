import { describe, expect, it } from 'vitest';
import { decodeRegisters, scaleValue, shortestFloat32, type ByteOrder } from '../src/index.ts';
import { bigEndianBytes, onTheWire, type NumberType } from './support.ts';

const samples: [NumberType, number[]][] = [
  ['int16', [0, 1, -1, 32_767, -32_768, 1234]],
  ['uint16', [0, 1, 65_535, 40_000]],
  ['int32', [0, -1, 2_147_483_647, -2_147_483_648, 123_456_789]],
  ['uint32', [0, 4_294_967_295, 3_000_000_000]],
  ['float32', [0, 1.5, -273.15, 12.3, 3.4e38, 1e-30]],
  ['float64', [0, Math.PI, -1e300, 5e-324]],
  ['int64', [0, -1, 2 ** 53 - 1, -(2 ** 53), -1_234_567_890_123]],
  ['uint64', [0, 2 ** 53 - 1, 42]],
];
const orders: [ByteOrder, ByteOrder][] = [
  ['big', 'big'],
  ['little', 'big'],
  ['big', 'little'],
  ['little', 'little'],
];

describe('decodeRegisters', () => {
  it('decodes every type in all four word/byte orders (ABCD, CDAB, BADC, DCBA)', () => {
    const wrong: string[] = [];
    for (const [type, values] of samples) {
      for (const value of values) {
        for (const [wordOrder, byteOrder] of orders) {
          // Two registers of padding before the value: offsets inside a response are honoured.
          const wire = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, ...onTheWire(bigEndianBytes(type, value), wordOrder, byteOrder)]);
          const expected = type === 'float32' ? shortestFloat32(Math.fround(value)) : value;
          const decoded = decodeRegisters(wire, 4, type, wordOrder, byteOrder);
          if (!Object.is(decoded, expected)) wrong.push(`${type} ${value} word ${wordOrder} byte ${byteOrder}: got ${decoded}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads known byte patterns: float32 10.0 as ABCD, CDAB, BADC and DCBA', () => {
    expect(decodeRegisters(Uint8Array.from([0x41, 0x20, 0x00, 0x00]), 0, 'float32', 'big', 'big')).toBe(10);
    expect(decodeRegisters(Uint8Array.from([0x00, 0x00, 0x41, 0x20]), 0, 'float32', 'little', 'big')).toBe(10);
    expect(decodeRegisters(Uint8Array.from([0x20, 0x41, 0x00, 0x00]), 0, 'float32', 'big', 'little')).toBe(10);
    expect(decodeRegisters(Uint8Array.from([0x00, 0x00, 0x20, 0x41]), 0, 'float32', 'little', 'little')).toBe(10);
    expect(decodeRegisters(Uint8Array.from([0xff, 0xfe]), 0, 'int16', 'big', 'big')).toBe(-2);
    expect(decodeRegisters(Uint8Array.from([0xff, 0xfe]), 0, 'uint16', 'big', 'big')).toBe(65_534);
    expect(decodeRegisters(Uint8Array.from([0xfe, 0xff]), 0, 'int16', 'big', 'little')).toBe(-2);
  });

  it('gives float32 values as their shortest decimal and keeps NaN for the pipeline to refuse', () => {
    expect(decodeRegisters(Uint8Array.from([0x41, 0x44, 0xcc, 0xcd]), 0, 'float32', 'big', 'big')).toBe(12.3);
    expect(decodeRegisters(Uint8Array.from([0x7f, 0xc0, 0x00, 0x00]), 0, 'float32', 'big', 'big')).toBeNaN();
  });
});

describe('scaleValue', () => {
  it('applies raw × scale + offset, dividing for 1/n scales so decimals come out exact', () => {
    expect([scaleValue(1234, 0.01, 0), scaleValue(3, 0.1, 0), scaleValue(-273, 1, 0.15), scaleValue(5, 2, -1), scaleValue(7, 0.25, 0)]).toEqual([
      12.34, 0.3, -272.85, 9, 1.75,
    ]);
  });
});
