import type { Processor } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { TagMatcher } from './tag-matcher.ts';

/**
 * `scale` and `convert`: numeric values of matching tags become value × factor + offset. Other
 * points, and booleans and strings, pass as they are; nothing is filtered or created.
 */
export class LinearTransform implements Processor {
  readonly name: string;
  readonly #matcher: TagMatcher;
  readonly #factor: number;
  readonly #offset: number;

  constructor(name: string, matcher: TagMatcher, factor: number, offset: number) {
    this.name = name;
    this.#matcher = matcher;
    this.#factor = factor;
    this.#offset = offset;
  }

  process(batch: readonly Point[]): readonly Point[] {
    // The batch is copied only from the first point that changes.
    let out: Point[] | undefined;
    for (let index = 0; index < batch.length; index++) {
      const point = batch[index] as Point;
      const value = point.value;
      if (typeof value !== 'number' || !this.#matcher.matches(point.tag)) {
        out?.push(point);
        continue;
      }
      out ??= batch.slice(0, index);
      out.push({ ...point, value: value * this.#factor + this.#offset });
    }
    return out ?? batch;
  }
}
