import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Closeable, Logger } from '@shopfloor/engine';
import { InputError, UnavailableError, type Point } from '@shopfloor/model';
import { edgeIdPattern, type UplinkConfig } from '../config.ts';
import type { UplinkClass } from '../wire/message.ts';
import { TagCatalog } from '../wire/point-columns.ts';
import type { ControlReply, ControlRequest } from './edge-transport.ts';
import type { FromWorker, ToWorker, UplinkStats, WireGroup, WorkerOptions } from './worker-protocol.ts';

export type { ControlReply, ControlRequest } from './edge-transport.ts';

export interface UplinkDeps {
  readonly edgeId: string;
  /** The outbox lives in `<dataDir>/outbox.db`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Stamps appended data (its age in the backlog). */
  readonly now?: () => number;
}

export type ControlHandler = (message: ControlRequest) => Promise<ControlReply>;

/** The edge end of the uplink: a durable outbox drained to the hub. */
export interface Uplink extends Closeable {
  readonly edgeId: string;
  /** The outbox stream id (16 hex digits; a new outbox file starts a new stream). */
  readonly stream: string;
  /** Resolves once the points are durable in the outbox (never before), or rejects. */
  appendPoints(points: readonly Point[], klass?: UplinkClass): Promise<void>;
  /** Alarm events and other records (JSON values), class alarm: never evicted. */
  appendRecords(kind: 'alarms' | 'events', records: readonly unknown[]): Promise<void>;
  /** The edge's health and config version; only the latest not yet sent is kept. */
  status(record: unknown): Promise<void>;
  /** Configuration pushed by the hub. Never called in one-way mode. */
  onControl(handler: ControlHandler): void;
  /** The latest counters (at most about 250 ms old). */
  stats(): UplinkStats;
  /** The counters now. */
  readStats(): Promise<UplinkStats>;
}

/** From src (vitest) the worker still runs the built file: tests run after a build. */
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/edge/uplink-worker.js', import.meta.url)
  : new URL('./uplink-worker.js', import.meta.url);

interface Pending {
  readonly group: WireGroup;
  readonly newTags: readonly string[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Opens the outbox in a worker thread and starts sending. */
export async function createUplink(config: UplinkConfig, deps: UplinkDeps): Promise<Uplink> {
  if (!new RegExp(edgeIdPattern).test(deps.edgeId) || deps.edgeId === 'control') {
    throw new InputError('SF_CONFIG_INVALID', `uplink edge id "${deps.edgeId}" must be 1–64 letters, digits, "_" or "-" (and not "control")`);
  }
  mkdirSync(deps.dataDir, { recursive: true });
  const file = join(deps.dataDir, 'outbox.db');
  const logger = deps.logger;
  const now = deps.now ?? Date.now;
  const options: WorkerOptions = { config, edgeId: deps.edgeId, file };
  const worker = new Worker(workerUrl, { workerData: options });
  const requests = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: UnavailableError | undefined;
  let latest: UplinkStats | undefined;
  let stream = '';
  let handler: ControlHandler | undefined;
  let closing = false;

  const fail = (message: string): void => {
    failure ??= new UnavailableError('SF_STORE_UNAVAILABLE', `uplink outbox "${file}": ${message}`);
    for (const request of requests.values()) request.reject(failure);
    requests.clear();
  };
  const request = (build: (id: number) => ToWorker, transfer: ArrayBuffer[] = []): Promise<unknown> => {
    if (failure !== undefined) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      requests.set(id, { resolve, reject });
      worker.postMessage(build(id), transfer);
    });
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          latest = message.stats;
          stream = message.stream;
          resolve();
          return;
        case 'open-failed':
          reject(new UnavailableError('SF_STORE_UNAVAILABLE', `uplink outbox "${file}" could not be opened: ${message.message}`));
          void worker.terminate();
          return;
        case 'reply': {
          const pending = requests.get(message.id);
          requests.delete(message.id);
          if (message.ok) pending?.resolve(message.result);
          else pending?.reject(new UnavailableError('SF_STORE_UNAVAILABLE', `uplink outbox: ${message.message}`));
          return;
        }
        case 'stats':
          latest = message.stats;
          return;
        case 'control':
          void answerControl(message.id, message.request);
          return;
        case 'log':
          logger[message.level](message.message, message.meta);
          return;
      }
    });
    worker.on('error', (error) => {
      logger.error('uplink worker failed', { error: error.message });
      fail(`worker failed: ${error.message}`);
      if (failure !== undefined) reject(failure);
    });
    worker.on('exit', (code) => {
      if (!closing) fail(`worker exited with code ${code}`);
      reject(failure ?? new Error('uplink worker exited'));
    });
  });

  const answerControl = async (id: number, message: ControlRequest): Promise<void> => {
    let reply: ControlReply;
    if (handler === undefined) reply = { ok: false, version: 0, error: 'this edge has no configuration handler' };
    else {
      try {
        reply = await handler(message);
      } catch (error) {
        reply = { ok: false, version: 0, error: error instanceof Error ? error.message : String(error) };
      }
    }
    await request((requestId) => ({ type: 'control-reply', id: requestId, control: id, reply })).catch((error: unknown) =>
      logger.warn('the reply to a configuration push was not sent', { error: error instanceof Error ? error.message : String(error) }),
    );
  };

  await ready;
  if (config.oneWay) logger.info('uplink in one-way mode: it subscribes to nothing and takes no configuration from the hub', { edgeId: deps.edgeId });

  // Group commit: one append batch at the worker at a time; everything that arrives meanwhile goes in the next.
  const catalog = new TagCatalog();
  let pending: Pending[] = [];
  let inFlight: Promise<void> | undefined;
  const flush = (): void => {
    if (inFlight !== undefined || pending.length === 0) return;
    const batch = pending;
    pending = [];
    const transfer: ArrayBuffer[] = [];
    for (const { group } of batch) {
      if (group.kind === 'points') {
        const { tagIndex, ts, values, flags } = group.columns;
        transfer.push(tagIndex.buffer as ArrayBuffer, ts.buffer as ArrayBuffer, values.buffer as ArrayBuffer, flags.buffer as ArrayBuffer);
      }
    }
    const newTags = batch.flatMap((item) => item.newTags);
    const groups = batch.map((item) => item.group);
    inFlight = request((id) => ({ type: 'append', id, groups, newTags }), transfer).then(
      () => {
        for (const item of batch) item.resolve();
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
    void inFlight.finally(() => {
      inFlight = undefined;
      flush();
    });
  };
  const enqueue = (group: WireGroup, newTags: readonly string[]): Promise<void> => {
    if (closing) return Promise.reject(new UnavailableError('SF_STORE_UNAVAILABLE', 'the uplink is closing; the data was not taken'));
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      pending.push({ group, newTags, resolve, reject });
      flush();
    });
  };

  return {
    edgeId: deps.edgeId,
    stream,
    appendPoints(points, klass = 'raw') {
      if (points.length === 0) return Promise.resolve();
      const { columns, newTags } = catalog.encode(points);
      return enqueue({ kind: 'points', klass, created: now(), columns }, newTags);
    },
    appendRecords(kind, records) {
      if (records.length === 0) return Promise.resolve();
      return enqueue({ kind, klass: 'alarm', created: now(), records: [...records] }, []);
    },
    async status(record) {
      await request((id) => ({ type: 'status', id, record }));
    },
    onControl(next) {
      if (config.oneWay) logger.warn('one-way uplink: the configuration handler will never be called');
      handler = next;
    },
    stats: () => latest as UplinkStats,
    readStats: async () => (latest = (await request((id) => ({ type: 'stats', id }))) as UplinkStats),
    async close() {
      if (closing) return;
      closing = true;
      while (inFlight !== undefined || pending.length > 0) {
        flush();
        await inFlight?.catch(() => undefined);
      }
      if (failure === undefined) await request((id) => ({ type: 'close', id }));
      await worker.terminate();
    },
  };
}
