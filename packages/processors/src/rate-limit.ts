import type { Processor } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { TagMatcher } from './tag-matcher.ts';

/**
 * At most one point per matching tag per `intervalMs` (by point time): the first goes on, later
 * ones inside the interval are filtered. A point not newer than the last one that went on (a
 * redelivery, historical data) goes on untouched.
 */
export class RateLimit implements Processor {
  readonly name: string;
  readonly #matcher: TagMatcher;
  readonly #intervalMs: number;
  readonly #lastPassed = new Map<string, number>();

  constructor(name: string, matcher: TagMatcher, intervalMs: number) {
    this.name = name;
    this.#matcher = matcher;
    this.#intervalMs = intervalMs;
  }

  process(batch: readonly Point[]): readonly Point[] {
    let out: Point[] | undefined;
    for (let index = 0; index < batch.length; index++) {
      const point = batch[index] as Point;
      if (!this.#matcher.matches(point.tag) || this.#passes(point)) out?.push(point);
      else out ??= batch.slice(0, index);
    }
    return out ?? batch;
  }

  #passes(point: Point): boolean {
    const last = this.#lastPassed.get(point.tag);
    if (last !== undefined && point.ts > last && point.ts - last < this.#intervalMs) return false;
    if (last === undefined || point.ts > last) this.#lastPassed.set(point.tag, point.ts);
    return true;
  }
}
