import Database from 'better-sqlite3';
import { BugError } from '@shopfloor/model';
import type { CommitColumns, SeriesDefinition, SeriesKind } from './worker-protocol.ts';

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value ANY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
  series_id INTEGER NOT NULL, chunk_start INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (series_id, chunk_start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (series_id INTEGER NOT NULL, ts REAL NOT NULL, value REAL, quality INTEGER NOT NULL, text TEXT);
`;

/** Rows per multi-row journal INSERT: one statement run per 100 points, not per point. */
export const journalRowsPerInsert = 100;

export type JournalRow = [seriesId: number, ts: number, value: number | null, quality: number, text: string | null];

/** The SQL side of the point store: schema, pragmas and prepared statements, nothing else. */
export class ChunkDatabase {
  readonly db: Database.Database;
  readonly #insertSeries: Database.Statement<[number, string, SeriesKind]>;
  readonly #seriesById: Database.Statement<[number], SeriesDefinition>;
  readonly #journalOne: Database.Statement;
  readonly #journalMany: Database.Statement;
  readonly #loadChunk: Database.Statement<[number, number], Buffer>;
  readonly #lastChunk: Database.Statement<[number], Buffer>;
  readonly #chunksBetween: Database.Statement<[number, number, number], [number, Buffer]>;
  readonly #upsertChunk: Database.Statement<[number, number, number, Buffer]>;

  constructor(file: string) {
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('cache_size = -65536');
    this.db.exec(schema);
    this.#insertSeries = this.db.prepare('INSERT OR IGNORE INTO series (id, path, kind) VALUES (?, ?, ?)');
    this.#seriesById = this.db.prepare<[number], SeriesDefinition>('SELECT id, path, kind FROM series WHERE id = ?');
    this.#journalOne = this.db.prepare('INSERT INTO journal VALUES (?, ?, ?, ?, ?)');
    this.#journalMany = this.db.prepare(`INSERT INTO journal VALUES ${Array<string>(journalRowsPerInsert).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    this.#loadChunk = this.db.prepare<[number, number], Buffer>('SELECT data FROM chunks WHERE series_id = ? AND chunk_start = ?').pluck();
    this.#lastChunk = this.db.prepare<[number], Buffer>('SELECT data FROM chunks WHERE series_id = ? ORDER BY chunk_start DESC LIMIT 1').pluck();
    this.#chunksBetween = this.db
      .prepare<[number, number, number], [number, Buffer]>(
        'SELECT chunk_start, data FROM chunks WHERE series_id = ? AND chunk_start >= ? AND chunk_start < ? ORDER BY chunk_start',
      )
      .raw();
    this.#upsertChunk = this.db.prepare('INSERT OR REPLACE INTO chunks (series_id, chunk_start, count, data) VALUES (?, ?, ?, ?)');
  }

  /** The stored chunk length, recorded when the file is first used (a later different setting would misalign chunks). */
  chunkMs(configured: number): number {
    const stored = this.db.prepare<[], number>("SELECT value FROM meta WHERE key = 'chunk_ms'").pluck().get();
    if (stored !== undefined) return stored;
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('chunk_ms', ?)").run(configured);
    return configured;
  }

  allSeries(): SeriesDefinition[] {
    return this.db.prepare<[], SeriesDefinition>('SELECT id, path, kind FROM series ORDER BY id').all();
  }

  /**
   * Inserts a series unless it is already stored: the main thread sends a definition again after
   * a commit it saw fail, which may have committed. A stored row must be the same series.
   */
  insertSeries(series: SeriesDefinition): void {
    if (this.#insertSeries.run(series.id, series.path, series.kind).changes > 0) return;
    const stored = this.#seriesById.get(series.id);
    if (stored === undefined || stored.path !== series.path || stored.kind !== series.kind) {
      const clash = stored === undefined ? `the path is stored under another id` : `the id is stored as "${stored.path}" (${stored.kind})`;
      throw new BugError(`series ${series.id} "${series.path}" (${series.kind}) clashes with the file: ${clash}`);
    }
  }

  /** Appends one journal row per point; a string point (`holdsText`) keeps its text instead of a value. */
  appendJournal(columns: CommitColumns, holdsText: (seriesId: number) => boolean): void {
    const { series, ts, values, quality, texts } = columns;
    const count = series.length;
    const args = new Array<unknown>(5 * journalRowsPerInsert);
    let filled = 0;
    for (let index = 0; index < count; index++) {
      const seriesId = series[index] as number;
      const value = values[index] as number;
      const text = holdsText(seriesId);
      args[filled++] = seriesId;
      args[filled++] = ts[index];
      args[filled++] = text ? null : value;
      args[filled++] = quality[index];
      args[filled++] = text ? texts[value] : null;
      if (filled === args.length) {
        this.#journalMany.run(args);
        filled = 0;
      }
    }
    for (let row = 0; row < filled; row += 5) this.#journalOne.run(args.slice(row, row + 5));
  }

  journal(): IterableIterator<JournalRow> {
    return this.db.prepare<[], JournalRow>('SELECT series_id, ts, value, quality, text FROM journal ORDER BY rowid').raw().iterate();
  }

  clearJournal(): void {
    this.db.exec('DELETE FROM journal');
  }

  loadChunk(seriesId: number, chunkStart: number): Buffer | undefined {
    return this.#loadChunk.get(seriesId, chunkStart);
  }

  lastChunk(seriesId: number): Buffer | undefined {
    return this.#lastChunk.get(seriesId);
  }

  /** Chunk rows with `from <= chunk_start < to`, ascending. */
  chunksBetween(seriesId: number, from: number, to: number): IterableIterator<[number, Buffer]> {
    return this.#chunksBetween.iterate(seriesId, from, to);
  }

  upsertChunk(seriesId: number, chunkStart: number, count: number, data: Buffer): void {
    this.#upsertChunk.run(seriesId, chunkStart, count, data);
  }

  /** Bytes of the file in use: pages not on the free list (deleted rows free pages for reuse, the file does not shrink). */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /** The earliest chunk start stored, or undefined for an empty store. */
  oldestChunkStart(): number | undefined {
    return this.db.prepare<[], number | null>('SELECT min(chunk_start) FROM chunks').pluck().get() ?? undefined;
  }

  /** Deletes every chunk row starting before `boundary`; returns the rows and points removed. */
  deleteChunksBefore(boundary: number): { chunks: number; points: number } {
    const points = this.db.prepare<[number], number | null>('SELECT sum(count) FROM chunks WHERE chunk_start < ?').pluck().get(boundary) ?? 0;
    const chunks = this.db.prepare('DELETE FROM chunks WHERE chunk_start < ?').run(boundary).changes;
    return { chunks, points };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
