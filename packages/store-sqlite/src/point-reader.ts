import { BucketAccumulator } from './bucketing.ts';
import { chunkStartOf, lowerBound, type ChunkBuffer } from './chunk-buffer.ts';
import { DecodeScratch, decodeChunk, type ChunkColumns } from './chunk-codec.ts';
import type { ChunkDatabase } from './chunk-database.ts';
import type { SeriesBuffers } from './series-buffers.ts';
import type { LatestReply, ReadColumns } from './worker-protocol.ts';

/**
 * The read side inside the worker: chunk rows from disk, with the in-memory buffer of a chunk
 * taking the place of its row (a buffer always holds the whole chunk).
 */
export class PointReader {
  readonly #database: ChunkDatabase;
  readonly #buffers: SeriesBuffers;
  readonly #scratch = new DecodeScratch();

  constructor(database: ChunkDatabase, buffers: SeriesBuffers) {
    this.#database = database;
    this.#buffers = buffers;
  }

  range(seriesId: number, from: number, to: number, limit: number): ReadColumns {
    const holdsText = this.#buffers.holdsText(seriesId);
    const ts: number[] = [];
    const values: number[] = [];
    const quality: number[] = [];
    const texts: string[] | undefined = holdsText ? [] : undefined;
    this.#forEachChunk(seriesId, from, to, (chunk) => {
      const last = lowerBound(chunk.ts, to, 0, chunk.count);
      for (let index = lowerBound(chunk.ts, from, 0, chunk.count); index < last && ts.length < limit; index++) {
        ts.push(chunk.ts[index] as number);
        values.push(chunk.values[index] as number);
        quality.push(chunk.quality[index] as number);
        texts?.push(chunk.texts?.[index] ?? '');
      }
      return ts.length < limit;
    });
    return { ts: Float64Array.from(ts), values: Float64Array.from(values), quality: Uint8Array.from(quality), texts };
  }

  /** Flattened buckets (see `bucketFields`). */
  buckets(seriesId: number, from: number, to: number, accumulator: BucketAccumulator): Float64Array<ArrayBuffer> {
    this.#forEachChunk(seriesId, from, to, (chunk) => {
      const last = lowerBound(chunk.ts, to, 0, chunk.count);
      for (let index = lowerBound(chunk.ts, from, 0, chunk.count); index < last; index++)
        accumulator.add(chunk.ts[index] as number, chunk.values[index] as number);
      return true;
    });
    return accumulator.result();
  }

  latest(series: Uint32Array): LatestReply {
    const found: number[] = [];
    const ts: number[] = [];
    const values: number[] = [];
    const quality: number[] = [];
    const texts: (string | undefined)[] = [];
    for (const seriesId of series) {
      const latest = this.#buffers.latest(seriesId);
      if (latest === undefined) continue;
      found.push(seriesId);
      ts.push(latest.ts);
      values.push(latest.value);
      quality.push(latest.quality);
      texts.push(latest.text);
    }
    return { series: Uint32Array.from(found), ts: Float64Array.from(ts), values: Float64Array.from(values), quality: Uint8Array.from(quality), texts };
  }

  tags(): string[] {
    return [...this.#buffers.withPoints()].map((definition) => definition.path);
  }

  /** Visits the chunks that may hold points in `[from, to)`, ascending, until `visit` returns false. */
  #forEachChunk(seriesId: number, from: number, to: number, visit: (chunk: ChunkColumns) => boolean): void {
    if (this.#buffers.definition(seriesId) === undefined || !(from < to)) return;
    const firstStart = chunkStartOf(from, this.#buffers.chunkMs);
    const inMemory = this.#buffers.buffersBetween(seriesId, firstStart, to);
    let next = 0;
    for (const [start, blob] of this.#database.chunksBetween(seriesId, firstStart, to)) {
      while (next < inMemory.length && (inMemory[next] as ChunkBuffer).start < start) {
        if (!visit(inMemory[next++] as ChunkBuffer)) return;
      }
      const buffer = inMemory[next];
      if (buffer !== undefined && buffer.start === start) {
        next++;
        if (!visit(buffer)) return;
      } else if (!visit(decodeChunk(blob, this.#scratch))) {
        return;
      }
    }
    while (next < inMemory.length) if (!visit(inMemory[next++] as ChunkBuffer)) return;
  }
}
