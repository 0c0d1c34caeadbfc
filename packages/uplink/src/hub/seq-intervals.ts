/**
 * The seqs of one edge stream that are done (applied, or reported dropped by the edge), as sorted,
 * disjoint, non-adjacent closed intervals. Seqs arrive mostly in order, so a stream that has been
 * drained is one interval; a backlog drained beside live data is two or three.
 */
export class SeqIntervals {
  readonly #from: number[] = [];
  readonly #to: number[] = [];

  static of(intervals: readonly (readonly [number, number])[]): SeqIntervals {
    const set = new SeqIntervals();
    for (const [from, to] of intervals) set.addRange(from, to);
    return set;
  }

  get size(): number {
    return this.#from.length;
  }

  intervals(): [number, number][] {
    return this.#from.map((from, index) => [from, this.#to[index] as number]);
  }

  has(seq: number): boolean {
    const index = this.#lastAtOrBelow(seq);
    return index >= 0 && seq <= (this.#to[index] as number);
  }

  add(seq: number): void {
    this.addRange(seq, seq);
  }

  /** Adds `[from, to]`, merging with every interval it touches. */
  addRange(from: number, to: number): void {
    if (to < from) return;
    let first = this.#lastAtOrBelow(from);
    // The interval starting at or below `from` absorbs the new range if it reaches it.
    if (first >= 0 && (this.#to[first] as number) + 1 >= from) {
      from = this.#from[first] as number;
    } else first++;
    let last = first;
    while (last < this.#from.length && (this.#from[last] as number) <= to + 1) {
      to = Math.max(to, this.#to[last] as number);
      last++;
    }
    this.#from.splice(first, last - first, from);
    this.#to.splice(first, last - first, to);
  }

  /** Index of the last interval whose start is at or below `seq`, or -1. */
  #lastAtOrBelow(seq: number): number {
    let low = 0;
    let high = this.#from.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if ((this.#from[middle] as number) <= seq) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }
}
