import Database from 'better-sqlite3';
import { Type, type Static } from 'typebox';
import type { Closeable, Logger } from '@shopfloor/engine';
import { UnavailableError, type AlarmEvent, type AlarmHistoryQuery, type AlarmListFilter, type AlarmRecord, type AlarmSnapshot } from '@shopfloor/model';

export const sqliteAlarmStoreConfigSchema = Type.Object(
  {
    file: Type.String({ minLength: 1, description: 'Database file of alarm state and history, or ":memory:".' }),
  },
  { additionalProperties: false },
);
export type SqliteAlarmStoreConfig = Static<typeof sqliteAlarmStoreConfigSchema>;
export const sqliteAlarmStoreDefaults: SqliteAlarmStoreConfig = { file: 'data/alarms.db' };

export interface SqliteAlarmStoreDeps {
  readonly logger: Logger;
}

/** Most events one history query returns. */
const historyCap = 10_000;

const schema = `
CREATE TABLE IF NOT EXISTS alarm_state (
  rule TEXT NOT NULL,
  tag TEXT NOT NULL,
  state TEXT NOT NULL,
  priority TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (rule, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alarm_events (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  seq INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  rule TEXT NOT NULL,
  tag TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  forwarded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS alarm_events_by_ts ON alarm_events (ts);
CREATE INDEX IF NOT EXISTS alarm_events_by_tag ON alarm_events (tag, ts);
CREATE INDEX IF NOT EXISTS alarm_events_unforwarded ON alarm_events (position) WHERE forwarded = 0;
CREATE TABLE IF NOT EXISTS alarm_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

interface EventRow {
  event: string;
}

/**
 * Alarm state and history in SQLite, on the main thread (alarms are rare): the current record of
 * every alarm, and an append-only event history whose rows are marked once the uplink has
 * forwarded them to the hub. WAL, synchronous=FULL: `append` resolves once its events and records
 * are committed together. Appending an event id that is already stored changes nothing.
 */
export class SqliteAlarmStore implements Closeable {
  readonly #db: Database.Database;
  readonly #insertEvent: Database.Statement;
  readonly #upsertState: Database.Statement;
  readonly #raiseSeq: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insertEvent = db.prepare(
      'INSERT INTO alarm_events (id, seq, ts, rule, tag, to_state, event) VALUES (@id, @seq, @ts, @rule, @tag, @to, @event) ON CONFLICT (id) DO NOTHING',
    );
    this.#upsertState = db.prepare(
      'INSERT INTO alarm_state (rule, tag, state, priority, record) VALUES (@rule, @tag, @state, @priority, @record) ON CONFLICT (rule, tag) DO UPDATE SET state = excluded.state, priority = excluded.priority, record = excluded.record',
    );
    this.#raiseSeq = db.prepare(
      "INSERT INTO alarm_meta (key, value) VALUES ('last_seq', ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
    );
  }

  async load(): Promise<AlarmSnapshot> {
    const db = this.#open();
    const records = db
      .prepare<[], { record: string }>('SELECT record FROM alarm_state ORDER BY rule, tag')
      .all()
      .map((row) => JSON.parse(row.record) as AlarmRecord);
    const lastSeq = db.prepare<[], { value: number }>("SELECT value FROM alarm_meta WHERE key = 'last_seq'").get()?.value ?? 0;
    return { records, lastSeq };
  }

  async append(events: readonly AlarmEvent[], records: readonly AlarmRecord[]): Promise<void> {
    this.#open().transaction(() => {
      let highest = 0;
      for (const event of events) {
        this.#insertEvent.run({
          id: event.id,
          seq: event.seq,
          ts: event.ts,
          rule: event.alarm.rule,
          tag: event.alarm.tag,
          to: event.to,
          event: JSON.stringify(event),
        });
        if (event.seq > highest) highest = event.seq;
      }
      if (highest > 0) this.#raiseSeq.run(highest);
      for (const record of records) {
        this.#upsertState.run({
          rule: record.alarm.rule,
          tag: record.alarm.tag,
          state: record.state,
          priority: record.priority,
          record: JSON.stringify(record),
        });
      }
    })();
  }

  /** Persisted current state (the engine's own list is the live one). Without a state filter, alarms in normal are left out. */
  async current(filter: AlarmListFilter = {}): Promise<AlarmRecord[]> {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.state === undefined) where.push("state <> 'normal'");
    else {
      where.push('state = @state');
      params['state'] = filter.state;
    }
    if (filter.priority !== undefined) {
      where.push('priority = @priority');
      params['priority'] = filter.priority;
    }
    if (filter.tagPrefix !== undefined) {
      where.push('substr(tag, 1, length(@prefix)) = @prefix');
      params['prefix'] = filter.tagPrefix;
    }
    return this.#open()
      .prepare<[Record<string, string>], { record: string }>(`SELECT record FROM alarm_state WHERE ${where.join(' AND ')} ORDER BY rule, tag`)
      .all(params)
      .map((row) => JSON.parse(row.record) as AlarmRecord);
  }

  /** Events in `[from, to)`, by tag, tag prefix, rule and target state, the earliest first; at most `limit` (≤ 10,000). */
  async history(query: AlarmHistoryQuery): Promise<AlarmEvent[]> {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (query.from !== undefined) {
      where.push('ts >= @from');
      params['from'] = query.from;
    }
    if (query.to !== undefined) {
      where.push('ts < @to');
      params['to'] = query.to;
    }
    if (query.tag !== undefined) {
      where.push('tag = @tag');
      params['tag'] = query.tag;
    }
    if (query.tagPrefix !== undefined) {
      where.push('substr(tag, 1, length(@prefix)) = @prefix');
      params['prefix'] = query.tagPrefix;
    }
    if (query.rule !== undefined) {
      where.push('rule = @rule');
      params['rule'] = query.rule;
    }
    if (query.state !== undefined) {
      where.push('to_state = @state');
      params['state'] = query.state;
    }
    params['limit'] = Math.max(1, Math.min(historyCap, query.limit ?? historyCap));
    const sql = `SELECT event FROM alarm_events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts, position LIMIT @limit`;
    return this.#open()
      .prepare<[Record<string, string | number>], EventRow>(sql)
      .all(params)
      .map((row) => JSON.parse(row.event) as AlarmEvent);
  }

  /** Events the uplink has not yet forwarded, in the order they were appended. */
  async unforwarded(limit: number): Promise<AlarmEvent[]> {
    return this.#open()
      .prepare<[number], EventRow>('SELECT event FROM alarm_events WHERE forwarded = 0 ORDER BY position LIMIT ?')
      .all(Math.max(1, Math.floor(limit)))
      .map((row) => JSON.parse(row.event) as AlarmEvent);
  }

  async unforwardedCount(): Promise<number> {
    return this.#open().prepare<[], { count: number }>('SELECT count(*) AS count FROM alarm_events WHERE forwarded = 0').get()?.count ?? 0;
  }

  /** Marks events as forwarded (acknowledged by the hub); unknown ids are ignored. */
  /**
   * Marks events as in the uplink's outbox. Committed without an fsync of its own (WAL: the next
   * durable commit syncs it along): a mark lost to a power cut only forwards the event again, and
   * the hub keeps an event id once. Spares the event loop one fsync per forwarding pass.
   */
  async markForwarded(ids: readonly string[]): Promise<void> {
    const db = this.#open();
    const mark = db.prepare('UPDATE alarm_events SET forwarded = 1 WHERE id = ?');
    db.pragma('synchronous = NORMAL');
    try {
      db.transaction(() => {
        for (const id of ids) mark.run(id);
      })();
    } finally {
      db.pragma('synchronous = FULL');
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #open(): Database.Database {
    if (!this.#db.open) throw new UnavailableError('SF_STORE_UNAVAILABLE', 'alarm store is closed');
    return this.#db;
  }
}

/** Opens (or creates) the alarm database: WAL, synchronous=FULL. */
export async function createSqliteAlarmStore(config: SqliteAlarmStoreConfig, deps: SqliteAlarmStoreDeps): Promise<SqliteAlarmStore> {
  const db = new Database(config.file);
  try {
    if (config.file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(schema);
  } catch (error) {
    db.close();
    throw new UnavailableError(
      'SF_STORE_UNAVAILABLE',
      `alarm store "${config.file}" could not be opened: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  deps.logger.info('alarm store opened', { file: config.file });
  return new SqliteAlarmStore(db);
}
