import { ConflictError, type Point } from '@shopfloor/model';
import type { TSchema } from 'typebox';

/**
 * A model that runs at the edge on points of the tags it consumes (raw tags, aggregates or
 * vibration features) and returns points it derives (scores, classes, estimates). Synchronous and
 * without I/O: it runs inside the pipeline's processing of a batch.
 */
export interface EdgeModel {
  readonly name: string;
  /** Tag filters of what it reads; the `model` processor hands it only points of these. */
  readonly consumes: readonly string[];
  /** The points of consumed tags in one batch, in arrival order; returns the points it derives. */
  evaluate(points: readonly Point[]): readonly Point[];
  /** Time-driven output at `now` (called on every pipeline tick), if the model has any. */
  flush?(now: number): readonly Point[];
}

/** How a model is made from configuration: its name, its parameters' schema, and a factory. */
export interface EdgeModelDefinition {
  readonly name: string;
  readonly description: string;
  /** TypeBox schema of `params`; the configuration is checked against it before `create`. */
  readonly paramsSchema: TSchema;
  /** `params` has passed `paramsSchema`; `consumes` are the processor's `tags`. */
  create(params: unknown, consumes: readonly string[]): EdgeModel;
}

/** The models configuration can name. The runtime fills it (built-ins plus its own) before creating processors. */
export class EdgeModelRegistry {
  readonly #definitions = new Map<string, EdgeModelDefinition>();

  constructor(definitions: readonly EdgeModelDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  /** Adds a model; ConflictError (SF_CONFLICT) when the name is taken. */
  register(definition: EdgeModelDefinition): this {
    if (this.#definitions.has(definition.name)) throw new ConflictError(`edge model "${definition.name}" is already registered`);
    this.#definitions.set(definition.name, definition);
    return this;
  }

  get(name: string): EdgeModelDefinition | undefined {
    return this.#definitions.get(name);
  }

  names(): string[] {
    return [...this.#definitions.keys()];
  }
}
