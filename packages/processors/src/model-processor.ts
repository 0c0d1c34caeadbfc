import type { Processor, ProcessorContext } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { EdgeModel } from './edge-model.ts';
import type { TagMatcher } from './tag-matcher.ts';

/**
 * Runs an edge model on the points of matching tags; every point goes on, and the model's outputs
 * are derived points. A model that throws loses its outputs for that batch (counted in `errors`,
 * the message kept in `lastError`) but never stops the data: the batch goes on without them.
 */
export class ModelProcessor implements Processor {
  readonly name: string;
  readonly model: EdgeModel;
  readonly #matcher: TagMatcher;
  errors = 0;
  lastError: string | undefined;

  constructor(name: string, matcher: TagMatcher, model: EdgeModel) {
    this.name = name;
    this.#matcher = matcher;
    this.model = model;
  }

  process(batch: readonly Point[], context: ProcessorContext): readonly Point[] {
    let consumed: Point[] | undefined;
    for (const point of batch) if (this.#matcher.matches(point.tag)) (consumed ??= []).push(point);
    if (consumed !== undefined) this.#emitAll(() => this.model.evaluate(consumed), context);
    return batch;
  }

  flush(now: number, context: ProcessorContext): void {
    const model = this.model;
    if (model.flush !== undefined) this.#emitAll(() => model.flush?.(now) ?? [], context);
  }

  #emitAll(run: () => readonly Point[], context: ProcessorContext): void {
    let outputs: readonly Point[];
    try {
      outputs = run();
    } catch (error) {
      this.errors++;
      this.lastError = error instanceof Error ? error.message : String(error);
      return;
    }
    for (const output of outputs) context.emit(output);
  }
}
