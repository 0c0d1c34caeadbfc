export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Exponential reconnect delays with "equal jitter": attempt n waits between half and all of
 * min(maxMs, initialMs × 2^n), so devices that failed together do not reconnect in step.
 */
export class Backoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  #attempt = 0;

  constructor(settings: BackoffSettings, random: () => number) {
    this.#settings = settings;
    this.#random = random;
  }

  /** The delay before the next attempt; each call moves one attempt on. */
  next(): number {
    const ceiling = Math.min(this.#settings.maxMs, this.#settings.initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  /** After a device answered: the next failure starts from initialMs again. */
  reset(): void {
    this.#attempt = 0;
  }
}
