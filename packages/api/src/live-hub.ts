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

/**
 * Fans stored batches out to live subscribers (WebSocket clients), filtering by UNS wildcard. A live
 * stream never goes back in time: a point older than one already sent for its tag (an edge's
 * backlog arriving after its live data, Sparkplug historical metrics, a late import) is stored but
 * not sent live, so it never replaces a newer value on a live screen.
 */
export class LiveHub implements PointObserver {
  readonly #subscribers = new Set<{ subscriber: LiveSubscriber; matches: (tag: string) => boolean }>();
  /** Newest timestamp sent per tag, kept while anyone is subscribed. */
  readonly #sent = new Map<string, number>();
  dropped = 0;
  /** Points not sent live because a newer one of their tag had been (they are stored all the same). */
  older = 0;

  get subscribers(): number {
    return this.#subscribers.size;
  }

  add(subscriber: LiveSubscriber): () => void {
    const entry = { subscriber, matches: compileFilters(subscriber.filters) };
    this.#subscribers.add(entry);
    return () => {
      this.#subscribers.delete(entry);
      if (this.#subscribers.size === 0) this.#sent.clear();
    };
  }

  observe(stored: readonly Point[]): void {
    if (this.#subscribers.size === 0) return;
    const sent = this.#sent;
    const batch = stored.filter((point) => {
      const newest = sent.get(point.tag);
      if (newest !== undefined && point.ts < newest) {
        this.older++;
        return false;
      }
      sent.set(point.tag, point.ts);
      return true;
    });
    for (const { subscriber, matches } of this.#subscribers) {
      const matching = batch.filter((point) => matches(point.tag));
      if (matching.length > 0 && !subscriber.send(matching)) this.dropped += matching.length;
    }
  }
}
