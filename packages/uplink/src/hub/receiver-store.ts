/**
 * The hub receiver's own state in `<dataDir>/uplink-receiver.db`: the done seqs per edge stream
 * (dedupe) and what it knows of each edge (last seen, latest status, latest drops report). WAL with
 * synchronous=NORMAL: a commit is not fsynced, so a power loss may forget the last records and let a
 * redelivered message be applied again (the point store keeps (tag, ts) unique, so points are not
 * duplicated); a process crash forgets nothing.
 */
import Database from 'better-sqlite3';
import type { DropReport } from '../outbox/outbox-store.ts';
import { SeqIntervals } from './seq-intervals.ts';

/** What the hub knows of one edge (the shape the API's `/api/v1/edges` serves). */
export interface EdgeSummary {
  readonly id: string;
  /** Epoch ms of the last message from the edge. */
  readonly lastSeenAt: number;
  /** The edge's latest status record as it sent it. */
  readonly status: Readonly<Record<string, unknown>> | undefined;
  /** The edge's latest report of data its outbox dropped (disk budget). */
  readonly drops: DropReport | undefined;
}

export class ReceiverStore {
  readonly #db: Database.Database;
  readonly #streams = new Map<string, SeqIntervals>();
  readonly #edges = new Map<string, EdgeSummary>();
  readonly #dirtyStreams = new Set<string>();
  readonly #dirtyEdges = new Set<string>();

  constructor(file: string) {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(`
        CREATE TABLE IF NOT EXISTS done (edge TEXT NOT NULL, stream TEXT NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL,
          PRIMARY KEY (edge, stream, from_seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS edges (id TEXT PRIMARY KEY, last_seen REAL NOT NULL, status TEXT, drops TEXT) WITHOUT ROWID;`);
      const rows = db
        .prepare<[], { edge: string; stream: string; from_seq: number; to_seq: number }>(
          'SELECT edge, stream, from_seq, to_seq FROM done ORDER BY edge, stream, from_seq',
        )
        .all();
      for (const row of rows) this.#intervals(row.edge, row.stream).addRange(row.from_seq, row.to_seq);
      for (const row of db
        .prepare<[], { id: string; last_seen: number; status: string | null; drops: string | null }>('SELECT id, last_seen, status, drops FROM edges')
        .all()) {
        this.#edges.set(row.id, {
          id: row.id,
          lastSeenAt: row.last_seen,
          status: row.status === null ? undefined : (JSON.parse(row.status) as Record<string, unknown>),
          drops: row.drops === null ? undefined : (JSON.parse(row.drops) as DropReport),
        });
      }
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
  }

  isDone(edge: string, stream: string, seq: number): boolean {
    return this.#streams.get(key(edge, stream))?.has(seq) ?? false;
  }

  markDone(edge: string, stream: string, from: number, to = from): void {
    this.#intervals(edge, stream).addRange(from, to);
    this.#dirtyStreams.add(key(edge, stream));
  }

  /** Intervals of done seqs of one stream (tests, diagnostics). */
  doneIntervals(edge: string, stream: string): [number, number][] {
    return this.#streams.get(key(edge, stream))?.intervals() ?? [];
  }

  edges(): EdgeSummary[] {
    return [...this.#edges.values()];
  }

  edge(id: string): EdgeSummary | undefined {
    return this.#edges.get(id);
  }

  seen(id: string, at: number, change: { status?: Record<string, unknown>; drops?: DropReport } = {}): void {
    const before = this.#edges.get(id);
    this.#edges.set(id, { id, lastSeenAt: at, status: change.status ?? before?.status, drops: change.drops ?? before?.drops });
    this.#dirtyEdges.add(id);
  }

  /** Writes what changed since the last flush, in one transaction. */
  flush(): void {
    if (this.#dirtyStreams.size === 0 && this.#dirtyEdges.size === 0) return;
    const db = this.#db;
    const clear = db.prepare('DELETE FROM done WHERE edge = ? AND stream = ?');
    const insert = db.prepare('INSERT INTO done (edge, stream, from_seq, to_seq) VALUES (?, ?, ?, ?)');
    const upsert = db.prepare('INSERT OR REPLACE INTO edges (id, last_seen, status, drops) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const name of this.#dirtyStreams) {
        const [edge, stream] = name.split('\u0000') as [string, string];
        clear.run(edge, stream);
        for (const [from, to] of this.#streams.get(name)?.intervals() ?? []) insert.run(edge, stream, from, to);
      }
      for (const id of this.#dirtyEdges) {
        const edge = this.#edges.get(id);
        if (edge === undefined) continue;
        upsert.run(
          id,
          edge.lastSeenAt,
          edge.status === undefined ? null : JSON.stringify(edge.status),
          edge.drops === undefined ? null : JSON.stringify(edge.drops),
        );
      }
    })();
    this.#dirtyStreams.clear();
    this.#dirtyEdges.clear();
  }

  close(): void {
    this.flush();
    this.#db.close();
  }

  #intervals(edge: string, stream: string): SeqIntervals {
    const name = key(edge, stream);
    let intervals = this.#streams.get(name);
    if (intervals === undefined) {
      intervals = new SeqIntervals();
      this.#streams.set(name, intervals);
    }
    return intervals;
  }
}

const key = (edge: string, stream: string): string => `${edge}\u0000${stream}`;
