import type { PointValue } from '@shopfloor/model';

/** One held metric value; `value` undefined stands for a null (bad quality) value. */
export interface HeldValue {
  readonly tag: number;
  readonly ts: number;
  readonly value: PointValue | undefined;
}

/**
 * The DDATA an edge node could not send while its primary host (or its own connection) was down,
 * in time order, for replay as historical metrics. A ring of fixed capacity: when it is full the
 * oldest value gives way and is counted in `dropped`.
 */
export class HeldData {
  readonly #tags: Int32Array;
  readonly #times: Float64Array;
  readonly #values: (PointValue | undefined)[];
  #start = 0;
  #size = 0;
  #dropped = 0;
  #heldTotal = 0;

  constructor(capacity: number) {
    this.#tags = new Int32Array(capacity);
    this.#times = new Float64Array(capacity);
    this.#values = new Array<PointValue | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  /** Values that gave way to newer ones, or could not be replayed (their device was dead at the rebirth). */
  get dropped(): number {
    return this.#dropped;
  }

  get heldTotal(): number {
    return this.#heldTotal;
  }

  hold(tag: number, ts: number, value: PointValue | undefined): void {
    const capacity = this.#tags.length;
    if (capacity === 0) {
      this.#dropped++;
      return;
    }
    this.#heldTotal++;
    let slot: number;
    if (this.#size < capacity) {
      slot = (this.#start + this.#size) % capacity;
      this.#size++;
    } else {
      slot = this.#start;
      this.#start = (this.#start + 1) % capacity;
      this.#dropped++;
    }
    this.#tags[slot] = tag;
    this.#times[slot] = ts;
    this.#values[slot] = value;
  }

  countDropped(count: number): void {
    this.#dropped += count;
  }

  /** Empties the buffer, oldest value first. */
  drain(): HeldValue[] {
    const capacity = this.#tags.length;
    const out: HeldValue[] = [];
    for (let offset = 0; offset < this.#size; offset++) {
      const slot = (this.#start + offset) % capacity;
      out.push({ tag: this.#tags[slot] as number, ts: this.#times[slot] as number, value: this.#values[slot] });
      this.#values[slot] = undefined;
    }
    this.#start = 0;
    this.#size = 0;
    return out;
  }
}
