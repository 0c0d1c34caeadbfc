import type { Processor, ProcessorContext } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { EdgeModel } from './edge-model.ts';
import type { TagMatcher } from './tag-matcher.ts';

/** Runs an edge model on the points of matching tags; every point goes on, and the model's outputs are derived points. */
export class ModelProcessor implements Processor {
  readonly name: string;
  readonly model: EdgeModel;
  readonly #matcher: TagMatcher;

  constructor(name: string, matcher: TagMatcher, model: EdgeModel) {
    this.name = name;
    this.#matcher = matcher;
    this.model = model;
  }

  process(batch: readonly Point[], context: ProcessorContext): readonly Point[] {
    let consumed: Point[] | undefined;
    for (const point of batch) if (this.#matcher.matches(point.tag)) (consumed ??= []).push(point);
    if (consumed !== undefined) for (const output of this.model.evaluate(consumed)) context.emit(output);
    return batch;
  }

  flush(now: number, context: ProcessorContext): void {
    if (this.model.flush === undefined) return;
    for (const output of this.model.flush(now)) context.emit(output);
  }
}
