import { matchesTagFilter, type Point } from '@shopfloor/model';

/** Filters become one test per tag: `#` matches all; filters without wildcards are a set lookup; the rest are matched segment by segment. */
function compileFilters(filters: readonly string[]): (tag: string) => boolean {
  if (filters.includes('#')) return () => true;
  const exact = new Set(filters.filter((filter) => !filter.includes('+') && !filter.includes('#')));
  const patterns = filters.filter((filter) => !exact.has(filter));
  return (tag) => exact.has(tag) || patterns.some((filter) => matchesTagFilter(filter, tag));
}
import type { PointObserver } from '@shopfloor/engine';

/** A live subscriber: receives the points of each batch that match its filters. */
export interface LiveSubscriber {
  readonly filters: readonly string[];
  /** Returns false when the subscriber cannot keep up; its points are then counted as dropped. */
  send(points: readonly Point[]): boolean;
}

/** Fans stored batches out to live subscribers (WebSocket clients), filtering by UNS wildcard. */
export class LiveHub implements PointObserver {
  readonly #subscribers = new Set<{ subscriber: LiveSubscriber; matches: (tag: string) => boolean }>();
  dropped = 0;

  get subscribers(): number {
    return this.#subscribers.size;
  }

  add(subscriber: LiveSubscriber): () => void {
    const entry = { subscriber, matches: compileFilters(subscriber.filters) };
    this.#subscribers.add(entry);
    return () => this.#subscribers.delete(entry);
  }

  observe(batch: readonly Point[]): void {
    for (const { subscriber, matches } of this.#subscribers) {
      const matching = batch.filter((point) => matches(point.tag));
      if (matching.length > 0 && !subscriber.send(matching)) this.dropped += matching.length;
    }
  }
}
