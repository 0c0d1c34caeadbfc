import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeScratch, decodeChunk, encodeChunk, type ChunkColumns } from './chunk-codec.ts';

function columns(ts: number[], values: number[], quality: number[], texts?: string[]): ChunkColumns {
  return { count: ts.length, ts, values, quality, texts };
}

function plain(chunk: ChunkColumns): { ts: number[]; values: number[]; quality: number[]; texts: string[] | undefined } {
  const take = (array: ArrayLike<number>): number[] => Array.from({ length: chunk.count }, (_, index) => array[index] as number);
  return { ts: take(chunk.ts), values: take(chunk.values), quality: take(chunk.quality), texts: chunk.texts === undefined ? undefined : [...chunk.texts] };
}

describe('chunk codec', () => {
  it('round-trips integer timestamps as deltas, values and qualities', () => {
    const chunk = columns([1_704_067_200_000, 1_704_067_201_000, 1_704_067_259_999], [71.5, -0.125, 1e300], [0, 1, 2]);
    const blob = encodeChunk(chunk);
    expect(blob.length).toBe(6 + 8 + 2 + 3 + 24 + 3);
    expect(plain(decodeChunk(blob))).toEqual(plain(chunk));
  });

  it('leaves qualities out when all are good, and keeps fractional timestamps exactly', () => {
    const chunk = columns([0.5, 1.25, 3], [1, 2, 3], [0, 0, 0]);
    expect(encodeChunk(chunk).length).toBe(6 + 24 + 24);
    expect(plain(decodeChunk(encodeChunk(chunk)))).toEqual(plain(chunk));
  });

  it('round-trips strings, including empty and multi-byte ones', () => {
    const chunk = columns([10, 20, 30], [0, 0, 0], [0, 2, 0], ['RUNNING', '', 'Überdruck ✓ 圧力']);
    expect(plain(decodeChunk(encodeChunk(chunk)))).toEqual(plain(chunk));
  });

  it('round-trips any sorted chunk, into fresh arrays or a reused scratch', () => {
    const scratch = new DecodeScratch();
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 2 ** 42 }), fc.double({ min: 1, max: 2 ** 42, noNaN: true })), { maxLength: 300 }),
        fc.boolean(),
        fc.context(),
        (times, strings, context) => {
          const ts = [...times].sort((left, right) => left - right);
          const values = ts.map((time, index) => (index % 3 === 0 ? -time / 7 : time * 3));
          const quality = ts.map((_, index) => (index % 5 === 0 ? index % 3 : 0));
          const chunk = columns(
            ts,
            values.map((value) => (strings ? 0 : value)),
            quality,
            strings ? values.map(String) : undefined,
          );
          context.log(`${ts.length} points`);
          const blob = encodeChunk(chunk);
          expect(plain(decodeChunk(blob))).toEqual(plain(chunk));
          expect(plain(decodeChunk(blob, scratch))).toEqual(plain(chunk));
        },
      ),
    );
  });

  it('encodes an empty chunk', () => {
    expect(decodeChunk(encodeChunk(columns([], [], []))).count).toBe(0);
  });
});
