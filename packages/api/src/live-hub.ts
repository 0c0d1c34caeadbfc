import { matchesTagFilter, type Point } from '@shopfloor/model';
import type { PointObserver } from '@shopfloor/engine';

/** A live subscriber: receives the points of each batch that match its filters. */
export interface LiveSubscriber {
  readonly filters: readonly string[];
  /** Returns false when the subscriber cannot keep up; its points are then counted as dropped. */
  send(points: readonly Point[]): boolean;
}

/** Fans stored batches out to live subscribers (WebSocket clients), filtering by UNS wildcard. */
export class LiveHub implements PointObserver {
  readonly #subscribers = new Set<LiveSubscriber>();
  dropped = 0;

  get subscribers(): number {
    return this.#subscribers.size;
  }

  add(subscriber: LiveSubscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  observe(batch: readonly Point[]): void {
    for (const subscriber of this.#subscribers) {
      const matching = batch.filter((point) => subscriber.filters.some((filter) => matchesTagFilter(filter, point.tag)));
      if (matching.length > 0 && !subscriber.send(matching)) this.dropped += matching.length;
    }
  }
}
