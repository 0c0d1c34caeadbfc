import type { Bucket } from '@shopfloor/engine';
import { bucketFields } from './worker-protocol.ts';

/**
 * Folds points, fed in ascending time order, into buckets: either `buckets` equal parts of a
 * window or fixed windows of `windowMs` aligned to the epoch. Only buckets with points come out,
 * flattened as `bucketFields` numbers each.
 */
export class BucketAccumulator {
  readonly #out: number[] = [];
  readonly #from: number;
  readonly #span: number;
  readonly #parts: number;
  readonly #windowMs: number;
  #key = Number.NaN;
  #count = 0;
  #min = 0;
  #max = 0;
  #sum = 0;
  #first = 0;
  #last = 0;

  private constructor(from: number, span: number, parts: number, windowMs: number) {
    this.#from = from;
    this.#span = span;
    this.#parts = parts;
    this.#windowMs = windowMs;
  }

  /** `buckets` equal parts of `[from, to)`. */
  static equalParts(from: number, to: number, buckets: number): BucketAccumulator {
    return new BucketAccumulator(from, to - from, buckets, 0);
  }

  /** Windows `[k·windowMs, (k+1)·windowMs)`. */
  static alignedWindows(windowMs: number): BucketAccumulator {
    return new BucketAccumulator(0, 0, 0, windowMs);
  }

  add(ts: number, value: number): void {
    const key = this.#windowMs > 0 ? Math.floor(ts / this.#windowMs) : Math.min(this.#parts - 1, Math.floor(((ts - this.#from) * this.#parts) / this.#span));
    if (key !== this.#key) {
      this.#emit();
      this.#key = key;
      this.#count = 0;
      this.#min = value;
      this.#max = value;
      this.#sum = 0;
      this.#first = value;
    }
    this.#count++;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    this.#sum += value;
    this.#last = value;
  }

  result(): Float64Array<ArrayBuffer> {
    this.#emit();
    this.#count = 0;
    return Float64Array.from(this.#out);
  }

  #emit(): void {
    if (this.#count === 0) return;
    const key = this.#key;
    const start = this.#windowMs > 0 ? key * this.#windowMs : this.#from + (key * this.#span) / this.#parts;
    const end = this.#windowMs > 0 ? start + this.#windowMs : this.#from + ((key + 1) * this.#span) / this.#parts;
    this.#out.push(start, end, this.#count, this.#min, this.#max, this.#sum / this.#count, this.#sum, this.#first, this.#last);
  }
}

/** Turns flattened buckets back into objects. */
export function bucketsFromFlat(flat: Float64Array): Bucket[] {
  const width = bucketFields.length;
  const buckets: Bucket[] = [];
  for (let offset = 0; offset + width <= flat.length; offset += width) {
    buckets.push({
      start: flat[offset] as number,
      end: flat[offset + 1] as number,
      count: flat[offset + 2] as number,
      min: flat[offset + 3] as number,
      max: flat[offset + 4] as number,
      avg: flat[offset + 5] as number,
      sum: flat[offset + 6] as number,
      first: flat[offset + 7] as number,
      last: flat[offset + 8] as number,
    });
  }
  return buckets;
}
