import type { Logger } from '@shopfloor/engine';

export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  readonly stableAfterMs: number;
}

/** Delay before attempt `failures` + 1: doubling from the initial delay up to the maximum, `jitter` of it random. */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(failures, 40));
  return Math.round(base * (1 - options.jitter * random()));
}

/** One live connection of a transport. */
export interface LinkSession {
  /** Resolves with a reason when the connection is gone. */
  readonly closed: Promise<string>;
  close(): Promise<void>;
}

export interface ConnectionCounters {
  /** Connection attempts, the first included. */
  attempts: number;
  /** Connections made after the first one. */
  reconnects: number;
  /** Attempts that failed. */
  failures: number;
}

/**
 * Keeps one connection up: connect, wait until it closes, wait the back-off, connect again. A
 * connection that lasted `stableAfterMs` resets the back-off; a shorter one counts as a failure,
 * so a flapping link backs off instead of storming the server.
 */
export class ConnectionLoop {
  readonly counters: ConnectionCounters = { attempts: 0, reconnects: 0, failures: 0 };
  readonly #connect: () => Promise<LinkSession>;
  readonly #options: BackoffOptions;
  readonly #handlers: { up(session: LinkSession): void; down(reason: string): void };
  readonly #logger: Logger;
  readonly #random: () => number;
  #session: LinkSession | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;

  constructor(
    connect: () => Promise<LinkSession>,
    options: BackoffOptions,
    handlers: { up(session: LinkSession): void; down(reason: string): void },
    logger: Logger,
    random: () => number = Math.random,
  ) {
    this.#connect = connect;
    this.#options = options;
    this.#handlers = handlers;
    this.#logger = logger;
    this.#random = random;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#session?.close();
    await this.#running;
  }

  async #run(): Promise<void> {
    let failures = 0;
    let connectedBefore = false;
    while (!this.#closed) {
      this.counters.attempts++;
      let session: LinkSession;
      try {
        session = await this.#connect();
      } catch (error) {
        this.counters.failures++;
        const delay = backoffDelay(failures++, this.#options, this.#random);
        const message = error instanceof Error ? error.message : String(error);
        if (failures === 1) this.#logger.warn('uplink connection failed; retrying with back-off', { error: message, retryInMs: delay });
        else this.#logger.debug('uplink connection attempt failed', { error: message, failures, retryInMs: delay });
        await this.#sleep(delay);
        continue;
      }
      if (this.#closed) {
        await session.close();
        break;
      }
      if (connectedBefore) this.counters.reconnects++;
      connectedBefore = true;
      this.#session = session;
      const since = Date.now();
      this.#logger.info('uplink connected', { attempts: this.counters.attempts });
      this.#handlers.up(session);
      const reason = await session.closed;
      this.#session = undefined;
      this.#handlers.down(reason);
      if (this.#closed) break;
      if (Date.now() - since >= this.#options.stableAfterMs) failures = 0;
      const delay = backoffDelay(failures++, this.#options, this.#random);
      this.#logger.warn('uplink disconnected; reconnecting with back-off', { reason, retryInMs: delay });
      await this.#sleep(delay);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
