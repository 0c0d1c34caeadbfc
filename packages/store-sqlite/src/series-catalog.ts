import type { PointValue, TagPath } from '@shopfloor/model';
import type { SeriesDefinition, SeriesKind } from './worker-protocol.ts';

/** A series known to the main thread. `batchMark` and `lastTs` serve duplicate counting in one write. */
export interface SeriesEntry extends SeriesDefinition {
  batchMark: number;
  lastTs: number;
}

export function seriesKindOf(value: PointValue): SeriesKind {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
}

/**
 * Tag path → series id, owned by the main thread: loaded from the worker at open; ids for new
 * tags are assigned here and the definitions ride along with the points that introduce them.
 */
export class SeriesCatalog {
  readonly #byPath = new Map<TagPath, SeriesEntry>();
  #nextId = 1;

  constructor(existing: readonly SeriesDefinition[]) {
    for (const definition of existing) this.#insert(definition);
  }

  get(path: TagPath): SeriesEntry | undefined {
    return this.#byPath.get(path);
  }

  /** A new entry, not yet in the catalog (see `adopt`): a refused batch must leave no trace. */
  propose(path: TagPath, kind: SeriesKind, offset: number): SeriesEntry {
    return { id: this.#nextId + offset, path, kind, batchMark: 0, lastTs: 0 };
  }

  adopt(entries: readonly SeriesEntry[]): void {
    for (const entry of entries) this.#insert(entry);
  }

  #insert(definition: SeriesDefinition | SeriesEntry): void {
    const entry: SeriesEntry = 'batchMark' in definition ? definition : { ...definition, batchMark: 0, lastTs: 0 };
    this.#byPath.set(entry.path, entry);
    if (entry.id >= this.#nextId) this.#nextId = entry.id + 1;
  }
}
