/**
 * Seqs waiting in one lane, ascending. Removal is lazy: the owner's `where` map is the truth, and
 * a seq that has moved on (sent, acknowledged, evicted, moved to another lane) is skipped on shift.
 */
export class SeqQueue<Lane> {
  readonly #lane: Lane;
  readonly #where: Map<number, Lane | 'flight'>;
  #items: number[] = [];
  #head = 0;
  size = 0;

  constructor(lane: Lane, where: Map<number, Lane | 'flight'>) {
    this.#lane = lane;
    this.#where = where;
  }

  /** Queues `seq` in order (usually at the end; a resent seq goes back to its place). */
  add(seq: number): void {
    this.#where.set(seq, this.#lane);
    this.size++;
    const items = this.#items;
    const last = items[items.length - 1];
    if (last === undefined || seq > last || items.length === this.#head) {
      items.push(seq);
      return;
    }
    let low = this.#head;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((items[middle] as number) < seq) low = middle + 1;
      else high = middle;
    }
    items.splice(low, 0, seq);
  }

  /** The lowest seq still in this lane, taken out (its `where` is left to the caller). */
  shift(): number | undefined {
    const items = this.#items;
    while (this.#head < items.length) {
      const seq = items[this.#head++] as number;
      if (this.#where.get(seq) === this.#lane) {
        this.size--;
        this.#compact();
        return seq;
      }
    }
    this.#compact();
    return undefined;
  }

  /** Every seq still in this lane, ascending. */
  *members(): Generator<number> {
    for (let index = this.#head; index < this.#items.length; index++) {
      const seq = this.#items[index] as number;
      if (this.#where.get(seq) === this.#lane) yield seq;
    }
  }

  /** Called when a member leaves by other means than shift (delivered, evicted, moved). */
  left(): void {
    this.size--;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
