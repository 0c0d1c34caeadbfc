import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { messageKinds, uplinkClasses, type MessageKind, type UplinkClass } from '../wire/message.ts';

/** One packed message waiting for its acknowledgement. */
export interface EntryMeta {
  readonly seq: number;
  readonly klass: UplinkClass;
  readonly kind: MessageKind;
  /** When its oldest data was appended (epoch ms). */
  readonly created: number;
  /** Points or records. */
  readonly count: number;
  /** Bytes it holds against the budget. */
  readonly bytes: number;
  readonly firstTs: number;
  readonly lastTs: number;
}

/** Appended data not packed into a message yet (less than a full message per stream). */
export interface JournalMeta {
  readonly id: number;
  readonly klass: UplinkClass;
  readonly kind: MessageKind;
  readonly created: number;
  readonly count: number;
  readonly bytes: number;
  readonly firstTs: number;
  readonly lastTs: number;
}

/** Dropped data of one class since the outbox was created. */
export interface DropCount {
  /** Points (or records) dropped, on arrival or evicted later. */
  readonly points: number;
  /** Of those, dropped on arrival (the budget was full of data that ranks higher). */
  readonly refused: number;
  /** Messages evicted. */
  readonly entries: number;
  /** Timestamp range of the dropped points; absent when none. */
  readonly firstTs?: number;
  readonly lastTs?: number;
}

/** Per-row overhead counted against the budget besides the blob. */
export const rowOverheadBytes = 64;

export const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT, class INTEGER NOT NULL, kind INTEGER NOT NULL, created REAL NOT NULL,
  count INTEGER NOT NULL, bytes INTEGER NOT NULL, first_ts REAL NOT NULL, last_ts REAL NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY, class INTEGER NOT NULL, kind INTEGER NOT NULL, created REAL NOT NULL,
  count INTEGER NOT NULL, bytes INTEGER NOT NULL, first_ts REAL NOT NULL, last_ts REAL NOT NULL, message BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS drops (
  class INTEGER PRIMARY KEY, points INTEGER NOT NULL, refused INTEGER NOT NULL, entries INTEGER NOT NULL, first_ts REAL, last_ts REAL);
CREATE TABLE IF NOT EXISTS dropped_seqs (from_seq INTEGER PRIMARY KEY, to_seq INTEGER NOT NULL, reported_by INTEGER);
`;

/** Opens (creating) the outbox file: WAL, synchronous=FULL, so a commit that returned survives a crash and a power loss. */
export function openOutboxDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('journal_size_limit = 16777216');
    db.exec(schema);
    const stream = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'stream'").get();
    if (stream === undefined) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('stream', ?), ('next_seq', 1), ('drops_version', 0), ('drops_reported', 0)").run(
        randomBytes(8).toString('hex'),
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export const classCode = (klass: UplinkClass): number => uplinkClasses.indexOf(klass);
export const kindCode = (kind: MessageKind): number => messageKinds.indexOf(kind);

export function classOf(code: number): UplinkClass {
  const klass = uplinkClasses[code];
  if (klass === undefined) throw new RangeError(`outbox holds an unknown class code ${code}`);
  return klass;
}

export function kindOf(code: number): MessageKind {
  const kind = messageKinds[code];
  if (kind === undefined) throw new RangeError(`outbox holds an unknown kind code ${code}`);
  return kind;
}
