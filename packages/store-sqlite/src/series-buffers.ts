import { BugError } from '@shopfloor/model';
import { ChunkBuffer, chunkStartOf } from './chunk-buffer.ts';
import type { DecodedChunk } from './chunk-codec.ts';
import type { SeriesDefinition } from './worker-protocol.ts';

export interface LatestPoint {
  ts: number;
  value: number;
  quality: number;
  text: string | undefined;
}

interface SeriesState {
  readonly definition: SeriesDefinition;
  readonly buffers: Map<number, ChunkBuffer>;
  current: ChunkBuffer | undefined;
  latest: LatestPoint | undefined;
}

/**
 * What the writer worker holds in memory per series: a full buffer for every chunk touched since
 * the last checkpoint (loaded from its row first when the row exists) and the latest point.
 */
export class SeriesBuffers {
  readonly chunkMs: number;
  readonly #states: (SeriesState | undefined)[] = [];
  readonly #loadChunk: (seriesId: number, chunkStart: number) => DecodedChunk | undefined;

  constructor(chunkMs: number, loadChunk: (seriesId: number, chunkStart: number) => DecodedChunk | undefined) {
    this.chunkMs = chunkMs;
    this.#loadChunk = loadChunk;
  }

  /** Adds a series with no points. Only for a series not defined yet: defining it again would drop its buffers. */
  define(definition: SeriesDefinition): void {
    if (this.#states[definition.id] !== undefined) throw new BugError(`series ${definition.id} is already defined`);
    this.#states[definition.id] = { definition, buffers: new Map(), current: undefined, latest: undefined };
  }

  /** Removes a series and whatever it holds (for a series whose defining commit failed). */
  forget(seriesId: number): void {
    this.#states[seriesId] = undefined;
  }

  /** Forgets every series, before rebuilding from the file. */
  clear(): void {
    this.#states.length = 0;
  }

  definition(seriesId: number): SeriesDefinition | undefined {
    return this.#states[seriesId]?.definition;
  }

  holdsText(seriesId: number): boolean {
    return this.#states[seriesId]?.definition.kind === 'string';
  }

  /** Puts one point into its chunk buffer (last write of a timestamp wins) and tracks the latest point. */
  put(seriesId: number, ts: number, value: number, quality: number, text: string | undefined): void {
    const state = this.#states[seriesId];
    if (state === undefined) throw new BugError(`series ${seriesId} is not defined`);
    let buffer = state.current;
    if (buffer === undefined || ts < buffer.start || ts >= buffer.start + this.chunkMs) {
      const start = chunkStartOf(ts, this.chunkMs);
      buffer = state.buffers.get(start);
      if (buffer === undefined) {
        buffer = new ChunkBuffer(start, state.definition.kind === 'string', this.#loadChunk(seriesId, start));
        state.buffers.set(start, buffer);
      }
      state.current = buffer;
    }
    buffer.put(ts, value, quality, text);
    this.#offerLatest(state, ts, value, quality, text);
  }

  /** Sets the latest point at open, from the last chunk row of the series. */
  restoreLatest(seriesId: number, ts: number, value: number, quality: number, text: string | undefined): void {
    const state = this.#states[seriesId];
    if (state !== undefined) this.#offerLatest(state, ts, value, quality, text);
  }

  latest(seriesId: number): LatestPoint | undefined {
    return this.#states[seriesId]?.latest;
  }

  /** Series that hold at least one point. */
  *withPoints(): IterableIterator<SeriesDefinition> {
    for (const state of this.#states) if (state?.latest !== undefined) yield state.definition;
  }

  *dirtyBuffers(): IterableIterator<[seriesId: number, buffer: ChunkBuffer]> {
    for (const state of this.#states) {
      if (state === undefined) continue;
      for (const buffer of state.buffers.values()) if (buffer.dirty) yield [state.definition.id, buffer];
    }
  }

  /** After a checkpoint: keeps only the buffer of the chunk that holds each series' latest point. */
  dropClosed(): number {
    let dropped = 0;
    for (const state of this.#states) {
      if (state === undefined) continue;
      const keep = state.latest === undefined ? undefined : chunkStartOf(state.latest.ts, this.chunkMs);
      for (const [start, buffer] of state.buffers) {
        if (start === keep || buffer.dirty) continue;
        state.buffers.delete(start);
        dropped++;
      }
      if (state.current !== undefined && !state.buffers.has(state.current.start)) state.current = undefined;
    }
    return dropped;
  }

  /** Drops every buffer of a chunk starting before `boundary` (after retention removed their rows). */
  dropBefore(boundary: number): void {
    for (const state of this.#states) {
      if (state === undefined) continue;
      for (const start of state.buffers.keys()) if (start < boundary) state.buffers.delete(start);
      if (state.current !== undefined && !state.buffers.has(state.current.start)) state.current = undefined;
    }
  }

  /** Buffers of the series with `fromStart <= start < to`, ascending. */
  buffersBetween(seriesId: number, fromStart: number, to: number): ChunkBuffer[] {
    const state = this.#states[seriesId];
    if (state === undefined || state.buffers.size === 0) return [];
    const found: ChunkBuffer[] = [];
    for (const buffer of state.buffers.values()) if (buffer.start >= fromStart && buffer.start < to) found.push(buffer);
    return found.sort((left, right) => left.start - right.start);
  }

  #offerLatest(state: SeriesState, ts: number, value: number, quality: number, text: string | undefined): void {
    const latest = state.latest;
    if (latest === undefined) {
      state.latest = { ts, value, quality, text };
    } else if (ts >= latest.ts) {
      latest.ts = ts;
      latest.value = value;
      latest.quality = quality;
      latest.text = text;
    }
  }
}
