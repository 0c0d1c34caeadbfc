import { describe, expect, it } from 'vitest';
import { ChunkBuffer, chunkStartOf, lowerBound } from './chunk-buffer.ts';

describe('ChunkBuffer', () => {
  it('keeps points sorted, the last write of a timestamp winning', () => {
    const buffer = new ChunkBuffer(0, false);
    for (const [ts, value] of [
      [30, 3],
      [10, 1],
      [20, 2],
      [40, 4],
      [10, 1.5],
      [40, 4.5],
      [5, 0.5],
    ] as const) {
      buffer.put(ts, value, value === 4.5 ? 2 : 0, undefined);
    }
    expect({ ts: buffer.ts, values: buffer.values, quality: buffer.quality, dirty: buffer.dirty }).toEqual({
      ts: [5, 10, 20, 30, 40],
      values: [0.5, 1.5, 2, 3, 4.5],
      quality: [0, 0, 0, 0, 2],
      dirty: true,
    });
  });

  it('starts from the stored chunk and keeps texts in step', () => {
    const buffer = new ChunkBuffer(60_000, true, {
      count: 2,
      ts: Float64Array.of(60_000, 60_500),
      values: new Float64Array(2),
      quality: Uint8Array.of(0, 1),
      texts: ['a', 'b'],
    });
    buffer.put(60_250, 0, 0, 'between');
    buffer.put(60_500, 0, 2, 'replaced');
    expect({ ts: buffer.ts, texts: buffer.texts, quality: buffer.quality }).toEqual({
      ts: [60_000, 60_250, 60_500],
      texts: ['a', 'between', 'replaced'],
      quality: [0, 0, 2],
    });
  });
});

describe('chunkStartOf and lowerBound', () => {
  it('aligns to the chunk window holding the timestamp', () => {
    expect([
      chunkStartOf(0, 60_000),
      chunkStartOf(59_999, 60_000),
      chunkStartOf(60_000, 60_000),
      chunkStartOf(-1, 60_000),
      chunkStartOf(119_999.999_9, 60_000),
    ]).toEqual([0, 0, 60_000, -60_000, 60_000]);
  });

  it('finds the first index at or after a timestamp', () => {
    const times = [10, 20, 20, 30];
    expect([5, 10, 15, 20, 25, 30, 35].map((ts) => lowerBound(times, ts))).toEqual([0, 0, 1, 1, 3, 3, 4]);
    expect(lowerBound(times, 30, 0, 2)).toBe(2);
  });
});
