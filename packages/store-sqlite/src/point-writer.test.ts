import { describe, expect, it } from 'vitest';
import { PointReader } from './point-reader.ts';
import { PointWriter, type WorkerLog } from './point-writer.ts';
import type { CommitColumns, SeriesDefinition } from './worker-protocol.ts';

const options = { file: ':memory:', chunkMs: 60_000, checkpointMs: 1 };
const silent: WorkerLog = () => undefined;

function columns(series: number[], ts: number[], values: number[]): CommitColumns {
  return { series: Uint32Array.from(series), ts: Float64Array.from(ts), values: Float64Array.from(values), quality: new Uint8Array(series.length), texts: [] };
}

function journalRows(writer: PointWriter): number {
  return writer.database.db.prepare<[], number>('SELECT count(*) FROM journal').pluck().get() ?? 0;
}

describe('PointWriter', () => {
  it('takes a series definition sent again as known, keeping the points it holds', () => {
    const writer = new PointWriter(options, silent);
    const reader = new PointReader(writer.database, writer.buffers);
    const series: SeriesDefinition = { id: 1, path: 'a/b', kind: 'number' };
    writer.commit(columns([1], [1_000], [10]), [series]);
    expect(writer.commit(columns([1], [2_000], [20]), [series])).toEqual({ applyError: undefined });
    expect([...reader.range(1, 0, 10_000, 100).values]).toEqual([10, 20]);
    expect(() => writer.commit(columns([1], [3_000], [30]), [{ ...series, kind: 'string' }])).toThrow(/already defined/);
    expect(writer.series()).toEqual([series]);
    writer.close();
  });

  it('leaves checkpoints to checkpointIfDue, which the worker calls after replying', async () => {
    const writer = new PointWriter(options, silent);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A checkpoint is due (checkpointMs is 1): the commit still does not run it.
    writer.commit(columns([1], [1_000], [10]), [{ id: 1, path: 'a/b', kind: 'number' }]);
    expect(journalRows(writer)).toBe(1);
    writer.checkpointIfDue();
    expect(journalRows(writer)).toBe(0);
    writer.close();
  });

  it('forgets the new series of a commit that failed, and only those', () => {
    const writer = new PointWriter(options, silent);
    const reader = new PointReader(writer.database, writer.buffers);
    writer.commit(columns([1], [1_000], [10]), [{ id: 1, path: 'a/b', kind: 'number' }]);
    writer.database.db.exec('CREATE TRIGGER refuse BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, "disk says no"); END');
    expect(() =>
      writer.commit(columns([1, 2], [2_000, 2_000], [20, 5]), [
        { id: 1, path: 'a/b', kind: 'number' },
        { id: 2, path: 'a/c', kind: 'number' },
      ]),
    ).toThrow(/disk says no/);
    expect(writer.buffers.definition(2)).toBeUndefined();
    expect([...reader.range(1, 0, 10_000, 100).values]).toEqual([10]);
    writer.database.db.exec('DROP TRIGGER refuse');
    writer.commit(columns([2], [2_000], [5]), [{ id: 2, path: 'a/c', kind: 'number' }]);
    expect(writer.series().map((definition) => definition.path)).toEqual(['a/b', 'a/c']);
    writer.close();
  });
});
