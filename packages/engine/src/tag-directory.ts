import type { DataType, Point, SourceBinding, Tag, TagPath } from '@shopfloor/model';

/**
 * The tags the node knows, in memory, for the hot path: one map lookup per point. Loaded from the
 * registry at start; unknown tags are registered here (and handed to the registry in batches) or
 * refused, by policy.
 */
export class TagDirectory {
  readonly #types = new Map<TagPath, DataType>();
  readonly #newTags: Tag[] = [];
  /** Tags whose values processors compute (aggregates, features, model outputs). */
  readonly #computed = new Set<TagPath>();

  constructor(tags: Iterable<Pick<Tag, 'path' | 'dataType'> & { readonly source?: SourceBinding }> = []) {
    for (const tag of tags) {
      this.#types.set(tag.path, tag.dataType);
      if (tag.source?.protocol === 'computed') this.#computed.add(tag.path);
    }
  }

  /** Whether a processor computes the tag's values (it was registered with a `computed` source). */
  isComputed(path: TagPath): boolean {
    return this.#computed.has(path);
  }

  get size(): number {
    return this.#types.size;
  }

  dataType(path: TagPath): DataType | undefined {
    return this.#types.get(path);
  }

  /** Records a tag seen for the first time; it is handed out once by `takeNewTags`. */
  register(point: Point, source?: SourceBinding): DataType {
    const dataType = inferDataType(point.value);
    this.#types.set(point.tag, dataType);
    if (source?.protocol === 'computed') this.#computed.add(point.tag);
    this.#newTags.push({ path: point.tag, dataType, classification: 'internal', ...(source !== undefined ? { source } : {}) });
    return dataType;
  }

  /** Adds or updates a tag declared elsewhere (registry, API). */
  declare(tag: Pick<Tag, 'path' | 'dataType'>): void {
    this.#types.set(tag.path, tag.dataType);
  }

  takeNewTags(): Tag[] {
    return this.#newTags.splice(0);
  }
}

export function inferDataType(value: Point['value']): DataType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  return 'float';
}

/** Does the value fit the tag's declared type? Integers pass as floats; floats do not pass as ints. */
export function valueFits(dataType: DataType, value: Point['value']): boolean {
  switch (dataType) {
    case 'float':
      return typeof value === 'number';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
  }
}
