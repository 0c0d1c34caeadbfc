import type { Closeable } from './ports/closeable.ts';

/** Owns resources and closes them in reverse order of creation, carrying on past failures. */
export class ResourceStack implements Closeable {
  readonly #owned: Closeable[] = [];

  add<T extends Closeable>(resource: T): T {
    this.#owned.push(resource);
    return resource;
  }

  defer(close: () => Promise<void> | void): void {
    this.#owned.push({ close: async () => close() });
  }

  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (const resource of this.#owned.splice(0).reverse()) {
      try {
        await resource.close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, 'some resources failed to close');
  }
}
