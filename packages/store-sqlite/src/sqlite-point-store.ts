import type { Bucket, Logger, PointStore, RangeOptions, TimeWindow, WriteReceipt } from '@shopfloor/engine';
import { InputError, UnavailableError, type Point, type TagPath } from '@shopfloor/model';
import { Value } from 'typebox/value';
import { encodeBatch, joinBatches, type EncodedBatch } from './batch-encoder.ts';
import { bucketsFromFlat } from './bucketing.ts';
import { sqlitePointStoreConfigSchema, type SqlitePointStoreConfig } from './config.ts';
import { latestFromReply, pointsFromColumns } from './read-replies.ts';
import { bucketableEntry, checkBuckets, checkLimit, checkWindow, checkWindowMs } from './read-arguments.ts';
import { SeriesCatalog } from './series-catalog.ts';
import type { CommitOutcome, LatestReply, ReadColumns, RetentionOutcome, SeriesDefinition, WriterRequest } from './worker-protocol.ts';
import { WriterClient } from './writer-client.ts';

export interface SqlitePointStoreDeps {
  readonly logger: Logger;
}

interface PendingWrite {
  readonly batch: EncodedBatch;
  readonly resolve: (receipt: WriteReceipt) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * PointStore on SQLite, the connection in a worker thread. Writes are group-committed: at most one
 * commit is in flight; writes arriving meanwhile form the next group, sent when the commit is acked.
 */
export class SqlitePointStore implements PointStore {
  readonly #client: WriterClient;
  readonly #catalog: SeriesCatalog;
  readonly #maxBatchPoints: number;
  #queue: PendingWrite[] = [];
  #inFlight = false;
  #batchMark = 0;
  /** Definitions of new series whose commit failed: they ride with the next group (the worker inserts a known series as a no-op). */
  #carriedSeries: SeriesDefinition[] = [];
  #idleWaiters: (() => void)[] = [];
  #closing: Promise<void> | undefined;

  constructor(client: WriterClient, series: readonly SeriesDefinition[], config: SqlitePointStoreConfig) {
    this.#client = client;
    this.#catalog = new SeriesCatalog(series);
    this.#maxBatchPoints = config.maxBatchPoints;
  }

  write(batch: readonly Point[]): Promise<WriteReceipt> {
    if (this.#closing !== undefined) return Promise.reject(new UnavailableError('SF_STORE_UNAVAILABLE', 'point store is closed'));
    if (batch.length === 0) return Promise.resolve({ stored: 0, rejected: [] });
    let encoded: EncodedBatch;
    try {
      encoded = encodeBatch(batch, this.#catalog, ++this.#batchMark);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (encoded.columns.series.length === 0) return Promise.resolve({ stored: 0, rejected: encoded.rejected });
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch: encoded, resolve, reject });
      this.#sendNextGroup();
    });
  }

  async latest(tags: readonly TagPath[]): Promise<ReadonlyMap<TagPath, Point>> {
    const pathOf = new Map<number, TagPath>();
    for (const tag of tags) {
      const entry = this.#catalog.get(tag);
      if (entry !== undefined) pathOf.set(entry.id, tag);
    }
    if (pathOf.size === 0) return new Map();
    const ids = Uint32Array.from(pathOf.keys());
    const reply = await this.#request<LatestReply>((id) => ({ type: 'latest', id, series: ids }), [ids.buffer]);
    return latestFromReply(reply, pathOf, this.#catalog);
  }

  async range(tag: TagPath, window: TimeWindow, options?: RangeOptions): Promise<Point[]> {
    checkWindow(tag, window);
    const limit = options?.limit ?? Number.POSITIVE_INFINITY;
    checkLimit(tag, limit);
    const entry = this.#catalog.get(tag);
    if (entry === undefined || limit === 0) return [];
    const columns = await this.#request<ReadColumns>((id) => ({ type: 'range', id, series: entry.id, from: window.from, to: window.to, limit }));
    return pointsFromColumns(tag, entry.kind, columns);
  }

  async downsample(tag: TagPath, window: TimeWindow, buckets: number): Promise<Bucket[]> {
    checkWindow(tag, window);
    checkBuckets(tag, buckets);
    const entry = bucketableEntry(this.#catalog.get(tag), tag, 'downsample');
    if (entry === undefined) return [];
    return bucketsFromFlat(
      await this.#request<Float64Array>((id) => ({ type: 'downsample', id, series: entry.id, from: window.from, to: window.to, buckets })),
    );
  }

  async aggregate(tag: TagPath, window: TimeWindow, windowMs: number): Promise<Bucket[]> {
    checkWindow(tag, window);
    checkWindowMs(tag, windowMs);
    const entry = bucketableEntry(this.#catalog.get(tag), tag, 'aggregate');
    if (entry === undefined) return [];
    return bucketsFromFlat(
      await this.#request<Float64Array>((id) => ({ type: 'aggregate', id, series: entry.id, from: window.from, to: window.to, windowMs })),
    );
  }

  async tags(): Promise<TagPath[]> {
    return (await this.#request<string[]>((id) => ({ type: 'tags', id }))).sort();
  }

  /** Writes buffered chunks to their rows and empties the journal now (it also runs every checkpointSeconds). */
  async checkpoint(): Promise<void> {
    await this.#request<undefined>((id) => ({ type: 'checkpoint', id }));
  }

  /**
   * Retention (the edge's recent-data store): removes whole chunks older than `before` (epoch ms),
   * then the oldest chunks until the file uses at most `maxBytes`, keeping each series' newest
   * chunk interval. Writes may continue meanwhile; they queue behind the pass.
   */
  async retain(policy: { readonly before?: number; readonly maxBytes?: number }): Promise<RetentionOutcome> {
    return this.#request<RetentionOutcome>((id) => ({ type: 'retain', id, before: policy.before, maxBytes: policy.maxBytes }));
  }

  /** Commits what was written before, checkpoints, closes the database and stops the worker. */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    await this.#idle();
    const wasFailed = this.#client.failed;
    try {
      await this.#client.request<undefined>((id) => ({ type: 'close', id }));
    } catch (error) {
      if (!wasFailed) throw error;
    } finally {
      await this.#client.terminate();
    }
  }

  #request<T>(build: (id: number) => WriterRequest, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(new UnavailableError('SF_STORE_UNAVAILABLE', 'point store is closed'));
    return this.#client.request<T>(build, transfer);
  }

  #sendNextGroup(): void {
    if (this.#inFlight) return;
    if (this.#queue.length === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
      return;
    }
    let take = 1;
    let points = (this.#queue[0] as PendingWrite).batch.columns.series.length;
    for (; take < this.#queue.length; take++) {
      const next = (this.#queue[take] as PendingWrite).batch.columns.series.length;
      if (points + next > this.#maxBatchPoints) break;
      points += next;
    }
    const group = this.#queue.splice(0, take);
    const newSeries = [...this.#carriedSeries, ...group.flatMap((write) => write.batch.newSeries)];
    this.#carriedSeries = [];
    const columns = joinBatches(group.map((write) => write.batch));
    this.#inFlight = true;
    this.#client
      .request<CommitOutcome>(
        (id) => ({ type: 'commit', id, columns, newSeries }),
        [columns.series.buffer, columns.ts.buffer, columns.values.buffer, columns.quality.buffer],
      )
      .then(
        // Committed means durable: the writes resolve even when the worker reports an apply error (it logs it and rebuilds its buffers).
        () => {
          for (const write of group) write.resolve({ stored: write.batch.stored, rejected: write.batch.rejected });
        },
        (error: unknown) => {
          this.#carriedSeries.push(...newSeries);
          for (const write of group) write.reject(error);
        },
      )
      .finally(() => {
        this.#inFlight = false;
        this.#sendNextGroup();
      });
  }

  #idle(): Promise<void> {
    if (!this.#inFlight && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}

/** Opens (or creates) the store; resolves once the worker has opened the file and replayed its journal. */
export async function createSqlitePointStore(config: SqlitePointStoreConfig, deps: SqlitePointStoreDeps): Promise<SqlitePointStore> {
  // Once per open, on four keys: cheap. The runtime validates its composed config, but benchmarks and tests call this
  // directly, and a bad chunkSeconds would be recorded in a new file for good.
  const problem = Value.Errors(sqlitePointStoreConfigSchema, config)[0];
  if (problem !== undefined) {
    const what = problem.keyword === 'boolean' ? 'is not a known key' : problem.message;
    throw new InputError('SF_CONFIG_INVALID', `point store config${problem.instancePath.replaceAll('/', '.')}: ${what}`);
  }
  const options = { file: config.file, chunkMs: config.chunkSeconds * 1_000, checkpointMs: config.checkpointSeconds * 1_000 };
  const { client, series } = await WriterClient.start(options, deps.logger);
  deps.logger.info('point store opened', { file: config.file, series: series.length });
  return new SqlitePointStore(client, series, config);
}
