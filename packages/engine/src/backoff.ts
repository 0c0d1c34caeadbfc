export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Exponential reconnect delays with "equal jitter": attempt n waits between half and all of
 * min(maxMs, initialMs × 2^n), so peers that failed together (devices behind one switch, nodes restarted together)
 * do not reconnect in step. Shared by the collectors and the MQTT ingest session.
 */
export class Backoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  #attempt = 0;

  constructor(settings: BackoffSettings, random: () => number = Math.random) {
    this.#settings = settings;
    this.#random = random;
  }

  /** The delay before the next attempt; each call doubles the ceiling until maxMs. */
  next(): number {
    const { initialMs, maxMs } = this.#settings;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
