import type { LogMeta } from '@shopfloor/engine';
import { ChunkDatabase } from './chunk-database.ts';
import { decodeChunk, encodeChunk } from './chunk-codec.ts';
import { SeriesBuffers } from './series-buffers.ts';
import type { CommitColumns, SeriesDefinition, WriterOptions } from './worker-protocol.ts';

export type WorkerLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string, meta?: LogMeta) => void;

/** Points journaled since the last checkpoint above which a checkpoint runs early (bounds memory and replay). */
export const checkpointAfterPoints = 2_000_000;

/**
 * The write side inside the worker. A commit appends the points to the journal in one
 * transaction, then puts them into the chunk buffers. A checkpoint writes dirty buffers as chunk
 * rows and empties the journal in one transaction. Opening replays the journal (crash recovery).
 */
export class PointWriter {
  readonly database: ChunkDatabase;
  readonly buffers: SeriesBuffers;
  readonly #checkpointMs: number;
  readonly #log: WorkerLog;
  #lastCheckpoint = performance.now();
  #journaled = 0;

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
      this.#recover();
    } catch (error) {
      this.database.close();
      throw error;
    }
  }

  series(): SeriesDefinition[] {
    return this.database.allSeries();
  }

  /** Makes the points durable (one transaction) and then visible to reads. */
  commit(columns: CommitColumns, newSeries: readonly SeriesDefinition[]): void {
    for (const definition of newSeries) this.buffers.define(definition);
    try {
      this.database.db.transaction(() => {
        for (const definition of newSeries) this.database.insertSeries(definition);
        this.database.appendJournal(columns, (seriesId) => this.buffers.holdsText(seriesId));
      })();
    } catch (error) {
      for (const definition of newSeries) this.buffers.forget(definition.id);
      throw error;
    }
    this.#apply(columns);
    this.#journaled += columns.series.length;
    this.checkpointIfDue();
  }

  /** Checkpoints when checkpointMs have passed or the journal is long; a failure is logged (the points stay in the journal). */
  checkpointIfDue(): void {
    if (performance.now() - this.#lastCheckpoint < this.#checkpointMs && this.#journaled < checkpointAfterPoints) return;
    try {
      this.checkpoint();
    } catch (error) {
      this.#log('error', 'checkpoint failed; the points stay in the journal', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Writes every dirty buffer to its chunk row and empties the journal, in one transaction. */
  checkpoint(): void {
    const started = performance.now();
    const dirty = [...this.buffers.dirtyBuffers()];
    this.database.db.transaction(() => {
      for (const [seriesId, buffer] of dirty) this.database.upsertChunk(seriesId, buffer.start, buffer.count, encodeChunk(buffer));
      this.database.clearJournal();
    })();
    for (const [, buffer] of dirty) buffer.dirty = false;
    const dropped = this.buffers.dropClosed();
    this.#lastCheckpoint = performance.now();
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

  close(): void {
    try {
      if (this.database.db.open) this.checkpoint();
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

  /** Rebuilds series, latest points and buffers: the last chunk row of each series, then the journal. */
  #recover(): void {
    for (const definition of this.database.allSeries()) {
      this.buffers.define(definition);
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
    if (replayed > 0) {
      this.#log('info', 'replayed the point journal after an unclean stop', { points: replayed });
      this.#journaled = replayed;
      this.checkpoint();
    }
  }
}
