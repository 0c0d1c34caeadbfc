import type { ChunkColumns, DecodedChunk } from './chunk-codec.ts';

/**
 * The whole content of one chunk (one series, one chunk window) held in memory while it takes
 * writes, ascending by time. Writing a timestamp that is already there replaces value and quality.
 */
export class ChunkBuffer implements ChunkColumns {
  readonly start: number;
  readonly ts: number[] = [];
  readonly values: number[] = [];
  readonly quality: number[] = [];
  readonly texts: string[] | undefined;
  /** Changed since it was last written to its chunk row. */
  dirty = false;

  constructor(start: number, holdsText: boolean, stored?: DecodedChunk) {
    this.start = start;
    this.texts = holdsText ? [] : undefined;
    if (stored === undefined) return;
    for (let index = 0; index < stored.count; index++) {
      this.ts.push(stored.ts[index] as number);
      this.values.push(stored.values[index] as number);
      this.quality.push(stored.quality[index] as number);
    }
    if (this.texts !== undefined && stored.texts !== undefined) this.texts.push(...stored.texts);
  }

  get count(): number {
    return this.ts.length;
  }

  put(ts: number, value: number, quality: number, text: string | undefined): void {
    this.dirty = true;
    const count = this.ts.length;
    if (count === 0 || ts > (this.ts[count - 1] as number)) {
      this.ts.push(ts);
      this.values.push(value);
      this.quality.push(quality);
      if (this.texts !== undefined) this.texts.push(text ?? '');
      return;
    }
    const index = lowerBound(this.ts, ts);
    if (this.ts[index] === ts) {
      this.values[index] = value;
      this.quality[index] = quality;
      if (this.texts !== undefined) this.texts[index] = text ?? '';
      return;
    }
    this.ts.splice(index, 0, ts);
    this.values.splice(index, 0, value);
    this.quality.splice(index, 0, quality);
    if (this.texts !== undefined) this.texts.splice(index, 0, text ?? '');
  }
}

/** The first index whose timestamp is `>= ts` (the length when there is none). */
export function lowerBound(times: ArrayLike<number>, ts: number, from = 0, to = times.length): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) < ts) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The start of the chunk window holding `ts` (windows are `chunkMs` long, aligned to the epoch). */
export function chunkStartOf(ts: number, chunkMs: number): number {
  const start = Math.floor(ts / chunkMs) * chunkMs;
  return start > ts ? start - chunkMs : start;
}
