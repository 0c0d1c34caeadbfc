import type { LogMeta } from '@shopfloor/engine';
import { BugError } from '@shopfloor/model';
import { ChunkDatabase } from './chunk-database.ts';
import { decodeChunk, encodeChunk } from './chunk-codec.ts';
import { SeriesBuffers } from './series-buffers.ts';
import type { CommitColumns, CommitOutcome, RetentionOutcome, SeriesDefinition, WriterOptions } from './worker-protocol.ts';

export type WorkerLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string, meta?: LogMeta) => void;

/** Points journaled since the last checkpoint above which a checkpoint runs early (bounds memory and replay). */
export const checkpointAfterPoints = 2_000_000;

/**
 * The write side inside the worker. A commit appends the points to the journal in one
 * transaction, then puts them into the chunk buffers. A checkpoint writes dirty buffers as chunk
 * rows and empties the journal in one transaction. Opening replays the journal (crash recovery).
 *
 * When putting committed points into the buffers fails, the buffers no longer match the journal:
 * they are marked stale, checkpoints (which empty the journal) wait until the buffers have been
 * rebuilt from the chunk rows and the journal, and the commit still succeeds.
 */
export class PointWriter {
  readonly database: ChunkDatabase;
  readonly buffers: SeriesBuffers;
  readonly #checkpointMs: number;
  readonly #log: WorkerLog;
  #lastCheckpoint = performance.now();
  #journaled = 0;
  /** The buffers miss journaled points: no checkpoint before a rebuild. */
  #stale = false;
  /** The last checkpoint (or rebuild) failed: retry only after checkpointMs, however long the journal. */
  #backingOff = false;

  constructor(options: WriterOptions, log: WorkerLog) {
    this.#checkpointMs = options.checkpointMs;
    this.#log = log;
    this.database = new ChunkDatabase(options.file);
    try {
      const chunkMs = this.database.chunkMs(options.chunkMs);
      if (chunkMs !== options.chunkMs)
        log('warn', 'the point store file keeps the chunk length it was created with', { file: options.file, chunkMs, configuredChunkMs: options.chunkMs });
      this.buffers = new SeriesBuffers(chunkMs, (seriesId, chunkStart) => {
        const blob = this.database.loadChunk(seriesId, chunkStart);
        return blob === undefined ? undefined : decodeChunk(blob);
      });
      const replayed = this.#load();
      if (replayed > 0) {
        log('info', 'replayed the point journal after an unclean stop', { points: replayed });
        this.checkpoint();
      }
    } catch (error) {
      this.database.close();
      throw error;
    }
  }

  series(): SeriesDefinition[] {
    return this.database.allSeries();
  }

  /**
   * Makes the points durable (one transaction; a failure throws and leaves nothing behind), then
   * visible to reads. Returns normally once the transaction committed: a failure to apply the
   * points to the buffers is logged and returned, and the buffers are rebuilt before the next
   * checkpoint. Checkpoints are not run here (see `checkpointIfDue`), so they never delay the reply.
   */
  commit(columns: CommitColumns, newSeries: readonly SeriesDefinition[]): CommitOutcome {
    const defined: number[] = [];
    for (const definition of newSeries) {
      const known = this.buffers.definition(definition.id);
      if (known === undefined) {
        this.buffers.define(definition);
        defined.push(definition.id);
      } else if (known.path !== definition.path || known.kind !== definition.kind) {
        for (const id of defined) this.buffers.forget(id);
        throw new BugError(`series ${definition.id} "${definition.path}" is already defined as "${known.path}" (${known.kind})`);
      }
    }
    try {
      this.database.db.transaction(() => {
        for (const definition of newSeries) this.database.insertSeries(definition);
        this.database.appendJournal(columns, (seriesId) => this.buffers.holdsText(seriesId));
      })();
    } catch (error) {
      for (const id of defined) this.buffers.forget(id);
      throw error;
    }
    this.#journaled += columns.series.length;
    try {
      this.#apply(columns);
      return { applyError: undefined };
    } catch (error) {
      this.#stale = true;
      const message = messageOf(error);
      this.#log('error', 'points were committed but could not be made readable; the read buffers are rebuilt from the journal before the next checkpoint', {
        points: columns.series.length,
        error: message,
      });
      return { applyError: message };
    }
  }

  /**
   * Checkpoints when checkpointMs have passed or the journal is long (after a failure: only when
   * checkpointMs have passed). Never throws: a failure is logged and the points stay in the journal.
   */
  checkpointIfDue(): void {
    if (performance.now() - this.#lastCheckpoint < this.#checkpointMs && (this.#backingOff || this.#journaled < checkpointAfterPoints)) return;
    try {
      this.checkpoint();
    } catch (error) {
      this.#backingOff = true;
      this.#lastCheckpoint = performance.now();
      this.#log('error', 'checkpoint failed; the points stay in the journal', { error: messageOf(error) });
    }
  }

  /** Writes every dirty buffer to its chunk row and empties the journal, in one transaction (stale buffers are rebuilt first). */
  checkpoint(): void {
    if (this.#stale) this.#rebuild();
    const started = performance.now();
    const dirty = [...this.buffers.dirtyBuffers()];
    this.database.db.transaction(() => {
      for (const [seriesId, buffer] of dirty) this.database.upsertChunk(seriesId, buffer.start, buffer.count, encodeChunk(buffer));
      this.database.clearJournal();
    })();
    for (const [, buffer] of dirty) buffer.dirty = false;
    const dropped = this.buffers.dropClosed();
    this.#lastCheckpoint = performance.now();
    this.#backingOff = false;
    if (dirty.length > 0 || this.#journaled > 0) {
      this.#log('debug', 'checkpoint', {
        chunks: dirty.length,
        journaledPoints: this.#journaled,
        droppedBuffers: dropped,
        ms: Math.round(this.#lastCheckpoint - started),
      });
    }
    this.#journaled = 0;
  }

  /**
   * Retention: removes whole chunks that end before `before` (epoch ms), then, while the file uses
   * more than `maxBytes`, the oldest chunk interval of every series, never the newest interval.
   * Checkpoints first so nothing buffered is lost or resurrected; a chunk that straddles `before`
   * is kept whole (retention is chunk-granular).
   */
  retain(before: number | undefined, maxBytes: number | undefined): RetentionOutcome {
    this.checkpoint();
    const chunkMs = this.buffers.chunkMs;
    let boundary: number | undefined;
    let deletedChunks = 0;
    let deletedPoints = 0;
    const remove = (until: number): void => {
      const removed = this.database.db.transaction(() => this.database.deleteChunksBefore(until))();
      this.buffers.dropBefore(until);
      deletedChunks += removed.chunks;
      deletedPoints += removed.points;
      boundary = until;
    };
    if (before !== undefined) {
      // A chunk [start, start + chunkMs) is wholly older than `before` when start + chunkMs <= before.
      const until = Math.floor(before / chunkMs) * chunkMs;
      if (Number.isFinite(until)) remove(until);
    }
    if (maxBytes !== undefined) {
      const newest = this.#newestChunkStart();
      for (;;) {
        if (this.database.usedBytes() <= maxBytes) break;
        const oldest = this.database.oldestChunkStart();
        if (oldest === undefined || newest === undefined || oldest >= newest) break;
        remove(oldest + chunkMs);
      }
    }
    if (deletedChunks > 0) this.database.db.pragma('wal_checkpoint(TRUNCATE)');
    return { deletedChunks, deletedPoints, boundary, usedBytes: this.database.usedBytes() };
  }

  #newestChunkStart(): number | undefined {
    let newest: number | undefined;
    for (const definition of this.buffers.withPoints()) {
      const latest = this.buffers.latest(definition.id);
      if (latest === undefined) continue;
      const start = Math.floor(latest.ts / this.buffers.chunkMs) * this.buffers.chunkMs;
      if (newest === undefined || start > newest) newest = start;
    }
    return newest;
  }

  /** Checkpoints and closes; with stale buffers that cannot be rebuilt the points stay in the journal for the next open. */
  close(): void {
    try {
      if (!this.database.db.open) return;
      if (this.#stale) {
        try {
          this.#rebuild();
        } catch (error) {
          this.#log('error', 'closing without a checkpoint; the points stay in the journal', { error: messageOf(error) });
          return;
        }
      }
      this.checkpoint();
    } finally {
      this.database.close();
    }
  }

  #apply(columns: CommitColumns): void {
    const { series, ts, values, quality, texts } = columns;
    const buffers = this.buffers;
    for (let index = 0; index < series.length; index++) {
      const seriesId = series[index] as number;
      const value = values[index] as number;
      if (buffers.holdsText(seriesId)) buffers.put(seriesId, ts[index] as number, 0, quality[index] as number, texts[value]);
      else buffers.put(seriesId, ts[index] as number, value, quality[index] as number, undefined);
    }
  }

  /** Rebuilds the buffers from the file after a failed apply; throws (leaving them stale) when that fails too. */
  #rebuild(): void {
    const replayed = this.#load();
    this.#stale = false;
    this.#log('info', 'rebuilt the read buffers from the chunk rows and the journal', { points: replayed });
  }

  /**
   * (Re)builds series, latest points and buffers from the file: the last chunk row of each series,
   * then the journal. Returns the number of journal points replayed.
   */
  #load(): number {
    // Every series is defined before anything that can fail: commits rely on the definitions even while the buffers are stale.
    const all = this.database.allSeries();
    this.buffers.clear();
    for (const definition of all) this.buffers.define(definition);
    for (const definition of all) {
      const blob = this.database.lastChunk(definition.id);
      if (blob === undefined) continue;
      const chunk = decodeChunk(blob);
      const last = chunk.count - 1;
      if (last < 0) continue;
      this.buffers.restoreLatest(definition.id, chunk.ts[last] as number, chunk.values[last] as number, chunk.quality[last] as number, chunk.texts?.[last]);
    }
    let replayed = 0;
    for (const [seriesId, ts, value, quality, text] of this.database.journal()) {
      if (this.buffers.definition(seriesId) === undefined) continue;
      this.buffers.put(seriesId, ts, value ?? 0, quality, text ?? undefined);
      replayed++;
    }
    this.#journaled = replayed;
    return replayed;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
