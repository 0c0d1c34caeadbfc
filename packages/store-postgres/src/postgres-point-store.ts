import type { Bucket, Logger, PointStore, RangeOptions, TimeWindow, WriteReceipt } from '@shopfloor/engine';
import { InputError, UnavailableError, type Point, type PointValue, type Quality, type TagPath } from '@shopfloor/model';
import type { PostgresPointStoreConfig } from './config.ts';
import { identifier, literal, WireConnection, WirePool, type Rows } from './wire.ts';

type Kind = 'number' | 'boolean' | 'string';
type Rejection = WriteReceipt['rejected'][number];

const qualities: readonly Quality[] = ['good', 'uncertain', 'bad'];
const dayMs = 86_400_000;
/** The range of a JavaScript Date. */
const maxTimestampMs = 8.64e15;

interface SeriesEntry {
  readonly id: number;
  readonly kind: Kind;
}

interface QueuedWrite {
  readonly batch: readonly Point[];
  readonly resolve: (receipt: WriteReceipt) => void;
  readonly reject: (error: Error) => void;
}

/** A PointStore on PostgreSQL: series table, time-partitioned points table, latest-value table. */
export async function createPostgresPointStore(config: PostgresPointStoreConfig, deps: { readonly logger: Logger }): Promise<PointStore> {
  const store = new PostgresPointStore(config, deps.logger);
  try {
    await store.open();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

class PostgresPointStore implements PointStore {
  readonly #config: PostgresPointStoreConfig;
  readonly #logger: Logger;
  readonly #pool: WirePool;
  readonly #url: URL;
  readonly #s: string;
  readonly #series = new Map<TagPath, SeriesEntry>();
  readonly #partitions = new Set<number>();
  readonly #queue: QueuedWrite[] = [];
  #writer: WireConnection | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;

  constructor(config: PostgresPointStoreConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    try {
      this.#url = new URL(config.url);
    } catch (error) {
      throw new InputError('SF_CONFIG_INVALID', `postgres point store: url ${JSON.stringify(config.url)} is not a URL`, { cause: error });
    }
    this.#pool = new WirePool(this.#url, Math.max(1, config.poolSize - 1), `shopfloor:${config.schema}`);
    this.#s = identifier(config.schema);
  }

  async open(): Promise<void> {
    const s = this.#s;
    await this.#unavailable('open', () =>
      this.#pool.with((connection) =>
        connection.query(`
          CREATE SCHEMA IF NOT EXISTS ${s};
          CREATE TABLE IF NOT EXISTS ${s}.series (id serial PRIMARY KEY, path text NOT NULL UNIQUE, kind text NOT NULL);
          CREATE TABLE IF NOT EXISTS ${s}.points (series_id integer NOT NULL, ts bigint NOT NULL, num double precision, txt text,
            quality smallint NOT NULL, PRIMARY KEY (series_id, ts)) PARTITION BY RANGE (ts);
          CREATE TABLE IF NOT EXISTS ${s}.latest (series_id integer PRIMARY KEY, ts bigint NOT NULL, num double precision, txt text,
            quality smallint NOT NULL);`),
      ),
    );
    const [series = []] = await this.#read((connection) => connection.query(`SELECT id, path, kind FROM ${s}.series`));
    for (const [id, path, kind] of series) this.#series.set(path as string, { id: Number(id), kind: kind as Kind });
    // Today's and tomorrow's partitions ahead of time; others on demand.
    const now = Date.now();
    await this.#ensurePartitions(await this.#writerConnection(), [now, now + this.#partitionMs()]);
  }

  write(batch: readonly Point[]): Promise<WriteReceipt> {
    if (this.#closed) return Promise.reject(new UnavailableError('SF_STORE_UNAVAILABLE', 'postgres point store: write after close'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  async latest(tags: readonly TagPath[]): Promise<ReadonlyMap<TagPath, Point>> {
    const wanted = tags.map((tag) => [tag, this.#series.get(tag)] as const).filter((entry): entry is [TagPath, SeriesEntry] => entry[1] !== undefined);
    const result = new Map<TagPath, Point>();
    if (wanted.length === 0) return result;
    const byId = new Map(wanted.map(([tag, entry]) => [entry.id, [tag, entry] as const]));
    const [rows = []] = await this.#read((connection) =>
      connection.query(`SELECT series_id, ts, num, txt, quality FROM ${this.#s}.latest WHERE series_id IN (${[...byId.keys()].join(',')})`),
    );
    for (const [id, ts, num, txt, quality] of rows) {
      const found = byId.get(Number(id));
      if (found) result.set(found[0], toPoint(found[0], found[1].kind, ts, num, txt, quality));
    }
    return new Map(tags.filter((tag) => result.has(tag)).map((tag) => [tag, result.get(tag) as Point]));
  }

  async range(tag: TagPath, window: TimeWindow, options?: RangeOptions): Promise<Point[]> {
    checkWindow(tag, window);
    const limit = options?.limit;
    if (limit !== undefined && !(limit >= 0))
      throw new InputError('SF_BAD_REQUEST', `range of tag "${tag}": limit ${String(limit)} is not a non-negative number`);
    const entry = this.#series.get(tag);
    if (entry === undefined || window.from >= window.to || limit === 0) return [];
    const rows = await this.#points(entry, window, limit === undefined ? undefined : Math.floor(limit));
    return rows.map(([ts, num, txt, quality]) => toPoint(tag, entry.kind, ts, num, txt, quality));
  }

  async downsample(tag: TagPath, window: TimeWindow, buckets: number): Promise<Bucket[]> {
    checkWindow(tag, window);
    if (!Number.isInteger(buckets) || buckets < 1)
      throw new InputError('SF_BAD_REQUEST', `downsample of tag "${tag}": buckets ${String(buckets)} is not a positive integer`);
    const entry = this.#bucketable(tag, 'downsample');
    if (entry === undefined || window.from >= window.to) return [];
    const span = window.to - window.from;
    return fold(await this.#points(entry, window, undefined), (ts) => {
      const key = Math.min(buckets - 1, Math.floor(((ts - window.from) * buckets) / span));
      return [key, window.from + (key * span) / buckets, window.from + ((key + 1) * span) / buckets];
    });
  }

  async aggregate(tag: TagPath, window: TimeWindow, windowMs: number): Promise<Bucket[]> {
    checkWindow(tag, window);
    if (!(windowMs > 0) || !Number.isFinite(windowMs))
      throw new InputError('SF_BAD_REQUEST', `aggregate of tag "${tag}": windowMs ${String(windowMs)} is not a positive number`);
    const entry = this.#bucketable(tag, 'aggregate');
    if (entry === undefined || window.from >= window.to) return [];
    return fold(await this.#points(entry, window, undefined), (ts) => {
      const key = Math.floor(ts / windowMs);
      return [key, key * windowMs, key * windowMs + windowMs];
    });
  }

  async tags(): Promise<TagPath[]> {
    const [rows = []] = await this.#read((connection) =>
      connection.query(`SELECT s.path FROM ${this.#s}.series s WHERE EXISTS (SELECT 1 FROM ${this.#s}.latest l WHERE l.series_id = s.id) ORDER BY s.path`),
    );
    return rows.map(([path]) => path as string);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#draining;
    this.#writer?.close();
    this.#pool.close();
  }

  #partitionMs(): number {
    return this.#config.partitionDays * dayMs;
  }

  #bucketable(tag: TagPath, operation: 'downsample' | 'aggregate'): SeriesEntry | undefined {
    const entry = this.#series.get(tag);
    if (entry?.kind === 'string')
      throw new InputError('SF_BAD_REQUEST', `${operation} of tag "${tag}": the tag holds strings; only numeric and boolean tags can be bucketed`);
    return entry;
  }

  async #points(entry: SeriesEntry, window: TimeWindow, limit: number | undefined): Promise<Rows> {
    const from = Math.max(-maxTimestampMs, Math.ceil(window.from));
    const to = Math.min(maxTimestampMs + 1, Math.ceil(window.to));
    const [rows = []] = await this.#read((connection) =>
      connection.query(
        `SELECT ts, num, txt, quality FROM ${this.#s}.points WHERE series_id = ${entry.id} AND ts >= ${from} AND ts < ${to} ORDER BY ts` +
          (limit === undefined ? '' : ` LIMIT ${limit}`),
      ),
    );
    return rows;
  }

  #read<T>(work: (connection: WireConnection) => Promise<T>): Promise<T> {
    return this.#unavailable('read', () => this.#pool.with(work));
  }

  async #unavailable<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new UnavailableError('SF_STORE_UNAVAILABLE', `postgres point store: ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async #writerConnection(): Promise<WireConnection> {
    if (this.#writer === undefined || this.#writer.broken) {
      this.#writer = undefined;
      this.#partitions.clear();
      this.#writer = await this.#unavailable('connect', () => WireConnection.open(this.#url, `shopfloor:${this.#config.schema}`));
      await this.#writer.query(
        'CREATE TEMP TABLE staging (series_id integer, ts bigint, num double precision, txt text, quality smallint, seq integer) ON COMMIT DELETE ROWS',
      );
    }
    return this.#writer;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group: QueuedWrite[] = [];
        let points = 0;
        while (this.#queue.length > 0) {
          const next = this.#queue[0] as QueuedWrite;
          if (group.length > 0 && points + next.batch.length > this.#config.maxBatchPoints) break;
          group.push(next);
          points += next.batch.length;
          this.#queue.shift();
        }
        try {
          const receipts = await this.#commit(group.map((write) => write.batch));
          group.forEach((write, index) => write.resolve(receipts[index] as WriteReceipt));
        } catch (error) {
          this.#logger.warn('postgres point store: write failed', { error: (error as Error).message, points });
          const failure =
            error instanceof UnavailableError
              ? error
              : new UnavailableError('SF_STORE_UNAVAILABLE', `postgres point store: write failed: ${(error as Error).message}`, { cause: error });
          for (const write of group) write.reject(failure);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }

  /** Stores several writes in one transaction; returns the receipt of each. */
  async #commit(batches: readonly (readonly Point[])[]): Promise<WriteReceipt[]> {
    const newKinds = new Map<TagPath, Kind>();
    const accepted: Point[] = [];
    const receipts = batches.map((batch) => {
      const rejected: Rejection[] = [];
      const keys = new Set<string>();
      batch.forEach((point, index) => {
        const problem = pointProblem(point, index);
        if (problem) return void rejected.push(problem);
        const kind = kindOf(point.value);
        const holds = this.#series.get(point.tag)?.kind ?? newKinds.get(point.tag);
        if (holds !== undefined && holds !== kind) {
          return void rejected.push({
            tag: point.tag,
            ts: point.ts,
            reason: 'wrong-type',
            detail: `tag "${point.tag}": holds ${holds} values; got ${kind} ${clip(JSON.stringify(point.value))}`,
          });
        }
        if (holds === undefined) newKinds.set(point.tag, kind);
        keys.add(`${point.ts} ${point.tag}`);
        accepted.push(point);
      });
      return { stored: keys.size, rejected };
    });
    if (accepted.length === 0) return receipts;
    const connection = await this.#writerConnection();
    await this.#ensurePartitions(
      connection,
      accepted.map((point) => point.ts),
    );
    try {
      await connection.query('BEGIN');
      const created = new Map<TagPath, SeriesEntry>();
      if (newKinds.size > 0) {
        const values = [...newKinds].map(([path, kind]) => `(${literal(path)}, ${literal(kind)})`).join(',');
        const [rows = []] = await connection.query(
          `INSERT INTO ${this.#s}.series (path, kind) VALUES ${values} ON CONFLICT (path) DO UPDATE SET path = excluded.path RETURNING id, path, kind`,
        );
        for (const [id, path, kind] of rows) created.set(path as string, { id: Number(id), kind: kind as Kind });
      }
      const lines: string[] = [];
      accepted.forEach((point, seq) => {
        const entry = (this.#series.get(point.tag) ?? created.get(point.tag)) as SeriesEntry;
        const value = point.value;
        const num = typeof value === 'number' ? (Object.is(value, -0) ? '-0' : String(value)) : typeof value === 'boolean' ? (value ? '1' : '0') : '\\N';
        const txt = typeof value === 'string' ? copyText(value) : '\\N';
        lines.push(`${entry.id}\t${point.ts}\t${num}\t${txt}\t${qualities.indexOf(point.quality)}\t${seq}\n`);
      });
      await connection.copyIn('COPY staging FROM STDIN', Buffer.from(lines.join(''), 'utf8'));
      const s = this.#s;
      await connection.query(`
        INSERT INTO ${s}.points (series_id, ts, num, txt, quality)
          SELECT DISTINCT ON (series_id, ts) series_id, ts, num, txt, quality FROM staging ORDER BY series_id, ts, seq DESC
          ON CONFLICT (series_id, ts) DO UPDATE SET num = excluded.num, txt = excluded.txt, quality = excluded.quality;
        INSERT INTO ${s}.latest AS l (series_id, ts, num, txt, quality)
          SELECT DISTINCT ON (series_id) series_id, ts, num, txt, quality FROM staging ORDER BY series_id, ts DESC, seq DESC
          ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, num = excluded.num, txt = excluded.txt, quality = excluded.quality
          WHERE excluded.ts >= l.ts;
        COMMIT;`);
      for (const [path, entry] of created) this.#series.set(path, entry);
      return receipts;
    } catch (error) {
      if (!connection.broken) await connection.query('ROLLBACK').catch(() => undefined);
      throw new UnavailableError('SF_STORE_UNAVAILABLE', `postgres point store: write of ${accepted.length} points failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Creates the partitions holding these timestamps, if missing. */
  async #ensurePartitions(connection: WireConnection, timestamps: readonly number[]): Promise<void> {
    const width = this.#partitionMs();
    const missing = new Set<number>();
    for (const ts of timestamps) {
      const start = Math.floor(ts / width) * width;
      if (!this.#partitions.has(start)) missing.add(start);
    }
    if (missing.size === 0) return;
    const statements = [...missing].map((start) => {
      const name = identifier(`points_${start < 0 ? 'm' : ''}${Math.abs(start / dayMs)}`);
      return `CREATE TABLE IF NOT EXISTS ${this.#s}.${name} PARTITION OF ${this.#s}.points FOR VALUES FROM (${start}) TO (${start + width});`;
    });
    await this.#unavailable('partition creation', () => connection.query(statements.join('\n')));
    for (const start of missing) this.#partitions.add(start);
  }
}

function kindOf(value: PointValue): Kind {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
}

type Field = string | null | undefined;

function toPoint(tag: TagPath, kind: Kind, ts: Field, num: Field, txt: Field, quality: Field): Point {
  const value: PointValue = kind === 'string' ? (txt ?? '') : kind === 'boolean' ? num === '1' : Number(num);
  return { tag, ts: Number(ts), value, quality: qualities[Number(quality)] ?? 'bad' };
}

function copyText(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (char) => (char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r'));
}

function clip(text: string | undefined): string {
  const shown = text ?? 'undefined';
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? clip(JSON.stringify(value)) : typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
}

function checkWindow(tag: TagPath, window: TimeWindow): void {
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to) || window.from > window.to) {
    throw new InputError(
      'SF_TIME_RANGE_INVALID',
      `tag "${tag}": time window from ${String(window.from)} to ${String(window.to)} is not a finite range with from <= to`,
    );
  }
}

/** What is wrong with a point regardless of its tag's kind (the SQLite store's reasons and wording), or undefined. */
function pointProblem(point: Point, index: number): Rejection | undefined {
  if (typeof point !== 'object' || point === null)
    return { tag: '', ts: Number.NaN, reason: 'wrong-type', detail: `point ${index} of the batch is ${describe(point)}, not a point` };
  const { tag, value } = point;
  const ts = typeof point.ts === 'number' ? point.ts : Number.NaN;
  if (typeof tag !== 'string' || tag.length === 0)
    return { tag: typeof tag === 'string' ? tag : '', ts, reason: 'wrong-type', detail: `point ${index} of the batch: tag ${describe(tag)} is not a tag path` };
  if (!qualities.includes(point.quality))
    return { tag, ts, reason: 'bad-quality', detail: `tag "${tag}": quality ${describe(point.quality)} is not good, uncertain or bad` };
  if (!Number.isFinite(point.ts))
    return { tag, ts, reason: 'bad-timestamp', detail: `tag "${tag}": timestamp ${describe(point.ts)} is not a finite number of milliseconds` };
  if (Math.abs(ts) > maxTimestampMs)
    return { tag, ts, reason: 'bad-timestamp', detail: `tag "${tag}": timestamp ${ts} is outside the range of a date (±${maxTimestampMs} ms)` };
  if (!Number.isInteger(ts)) return { tag, ts, reason: 'bad-timestamp', detail: `tag "${tag}": timestamp ${ts} is not a whole number of milliseconds` };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { tag, ts, reason: 'not-finite', detail: `tag "${tag}": value ${String(value)} is not a finite number` };
  } else if (typeof value === 'string') {
    if (value.includes('\u0000'))
      return {
        tag,
        ts,
        reason: 'wrong-type',
        detail: `tag "${tag}": string value ${describe(value)} holds a NUL character, which PostgreSQL text cannot store`,
      };
  } else if (typeof value !== 'boolean') {
    return { tag, ts, reason: 'wrong-type', detail: `tag "${tag}": value ${describe(value)} is not a number, boolean or string` };
  }
  return undefined;
}

/** Folds rows (ascending ts) into buckets keyed by `place`; only non-empty buckets come out. */
function fold(rows: Rows, place: (ts: number) => [key: number, start: number, end: number]): Bucket[] {
  const out: Bucket[] = [];
  let current: { key: number; start: number; end: number; count: number; min: number; max: number; sum: number; first: number; last: number } | undefined;
  for (const [tsText, num] of rows) {
    const ts = Number(tsText);
    const value = Number(num);
    const [key, start, end] = place(ts);
    if (current?.key !== key) {
      if (current) out.push(bucketOf(current));
      current = { key, start, end, count: 0, min: value, max: value, sum: 0, first: value, last: value };
    }
    current.count++;
    if (value < current.min) current.min = value;
    if (value > current.max) current.max = value;
    current.sum += value;
    current.last = value;
  }
  if (current) out.push(bucketOf(current));
  return out;
}

function bucketOf(b: { start: number; end: number; count: number; min: number; max: number; sum: number; first: number; last: number }): Bucket {
  return { start: b.start, end: b.end, count: b.count, min: b.min, max: b.max, avg: b.sum / b.count, sum: b.sum, first: b.first, last: b.last };
}
