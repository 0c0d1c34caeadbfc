import { Worker } from 'node:worker_threads';
import type { Logger } from '@shopfloor/engine';
import { UnavailableError } from '@shopfloor/model';
import type { SeriesDefinition, WriterMessage, WriterOptions, WriterRequest } from './worker-protocol.ts';

interface PendingRequest {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** From src (vitest) the worker still runs the built file: tests run after a build. */
const workerUrl = import.meta.url.endsWith('.ts') ? new URL('../dist/writer-worker.js', import.meta.url) : new URL('./writer-worker.js', import.meta.url);

/**
 * The main thread's end of the writer worker: request/response by id. When the worker dies,
 * every pending and later request rejects with an UnavailableError.
 */
export class WriterClient {
  readonly #worker: Worker;
  readonly #logger: Logger;
  readonly #pending = new Map<number, PendingRequest>();
  #nextId = 1;
  #failure: UnavailableError | undefined;
  #terminating = false;

  private constructor(worker: Worker, logger: Logger) {
    this.#worker = worker;
    this.#logger = logger;
  }

  /** Starts the worker and waits until it has opened the database; resolves with its series. */
  static start(options: WriterOptions, logger: Logger): Promise<{ client: WriterClient; series: readonly SeriesDefinition[] }> {
    const worker = new Worker(workerUrl, { workerData: options });
    const client = new WriterClient(worker, logger);
    return new Promise((resolve, reject) => {
      const fail = (error: UnavailableError): void => {
        reject(error);
        void client.terminate();
      };
      worker.on('message', (message: WriterMessage) => {
        if (message.type === 'ready') resolve({ client, series: message.series });
        else if (message.type === 'open-failed')
          fail(new UnavailableError('SF_STORE_UNAVAILABLE', `point store "${options.file}" could not be opened: ${message.message}`));
        else client.#receive(message);
      });
      worker.on('error', (error) => {
        fail(new UnavailableError('SF_STORE_UNAVAILABLE', `point store "${options.file}": writer thread failed: ${error.message}`, { cause: error }));
        client.#fail(error, options.file);
      });
      worker.on('exit', (code) => {
        if (client.#terminating) return;
        const error = new Error(`writer thread exited with code ${code}`);
        reject(new UnavailableError('SF_STORE_UNAVAILABLE', `point store "${options.file}": ${error.message}`));
        client.#fail(error, options.file);
      });
    });
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }

  request<T>(build: (id: number) => WriterRequest, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      try {
        this.#worker.postMessage(build(id), [...transfer]);
      } catch (error) {
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async terminate(): Promise<void> {
    this.#terminating = true;
    await this.#worker.terminate();
    this.#rejectAll(this.#failure ?? new UnavailableError('SF_STORE_UNAVAILABLE', 'point store is closed'));
  }

  #receive(message: WriterMessage): void {
    if (message.type === 'log') {
      this.#logger[message.level](message.message, message.meta);
      return;
    }
    if (message.type !== 'reply') return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new UnavailableError('SF_STORE_UNAVAILABLE', `point store: ${message.message}`));
  }

  #fail(cause: Error, file: string): void {
    if (this.#failure !== undefined) return;
    this.#failure = new UnavailableError('SF_STORE_UNAVAILABLE', `point store "${file}" is unavailable: ${cause.message}`, { cause });
    this.#logger.error('point store writer thread stopped', { file, error: cause.message });
    this.#rejectAll(this.#failure);
  }

  #rejectAll(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) request.reject(error);
  }
}
