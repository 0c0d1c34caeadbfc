interface Listener<T> {
  readonly queue: T[];
  waiting: ((result: IteratorResult<T, undefined>) => void) | undefined;
}

const finished: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * Fans rare events (connection state changes) out to any number of async iterators. An iterator sees
 * the events pushed after it was created; one that is not read keeps at most `maxQueued`, dropping
 * the oldest. `end()` lets every iterator drain what it holds and then finish.
 */
export class EventFeed<T extends object> {
  readonly #listeners = new Set<Listener<T>>();
  readonly #maxQueued: number;
  #ended = false;

  constructor(maxQueued = 1_000) {
    this.#maxQueued = maxQueued;
  }

  push(event: T): void {
    for (const listener of this.#listeners) {
      const waiting = listener.waiting;
      if (waiting !== undefined) {
        listener.waiting = undefined;
        waiting({ value: event, done: false });
      } else {
        listener.queue.push(event);
        if (listener.queue.length > this.#maxQueued) listener.queue.shift();
      }
    }
  }

  end(): void {
    this.#ended = true;
    for (const listener of this.#listeners) {
      listener.waiting?.(finished);
      listener.waiting = undefined;
    }
    this.#listeners.clear();
  }

  iterate(): AsyncIterableIterator<T, undefined> {
    const listener: Listener<T> = { queue: [], waiting: undefined };
    if (!this.#ended) this.#listeners.add(listener);
    const listeners = this.#listeners;
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        const event = listener.queue.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        if (!listeners.has(listener)) return Promise.resolve(finished);
        return new Promise((resolve) => (listener.waiting = resolve));
      },
      return() {
        listeners.delete(listener);
        listener.queue.length = 0;
        listener.waiting?.(finished);
        listener.waiting = undefined;
        return Promise.resolve(finished);
      },
    };
  }
}
