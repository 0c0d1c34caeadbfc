import { describe, expect, it } from 'vitest';
import { Aggregate, createProcessors, windowLabel } from '../src/index.ts';
import { point, recordingPipeline, t0 } from './pipeline-fixture.ts';

const second = 1_000;

describe('aggregate', () => {
  it('closes a 1 s window on the first point past its end and the last one on a tick after the grace period', async () => {
    const run = recordingPipeline(
      createProcessors([{ type: 'aggregate', tags: ['m/temp'], windowMs: 1_000, functions: ['min', 'max', 'avg', 'count', 'sum', 'first', 'last'] }]),
    );
    await run.send([point('m/temp', t0 + 100, 10), point('m/temp', t0 + 400, 14), point('m/temp', t0 + 900, 12)]);
    expect(run.stored).toHaveLength(3); // raw points only: the window is still open
    await run.send([point('m/temp', t0 + 1_200, 20), point('m/temp', t0 + 1_300, 22, 'uncertain'), point('m/temp', t0 + 2_500, 5)]);
    await run.tick(t0 + 4_999); // window [2 s, 3 s) is due at 3 s + 2 s grace
    const derived = () => run.stored.filter((each) => each.tag.includes('_1s')).map((each) => [each.tag, (each.ts - t0) / second, each.value, each.quality]);
    expect(derived()).toEqual([
      ['m/temp.min_1s', 0, 10, 'good'],
      ['m/temp.max_1s', 0, 14, 'good'],
      ['m/temp.avg_1s', 0, 12, 'good'],
      ['m/temp.count_1s', 0, 3, 'good'],
      ['m/temp.sum_1s', 0, 36, 'good'],
      ['m/temp.first_1s', 0, 10, 'good'],
      ['m/temp.last_1s', 0, 12, 'good'],
      ['m/temp.min_1s', 1, 20, 'uncertain'],
      ['m/temp.max_1s', 1, 22, 'uncertain'],
      ['m/temp.avg_1s', 1, 21, 'uncertain'],
      ['m/temp.count_1s', 1, 2, 'uncertain'],
      ['m/temp.sum_1s', 1, 42, 'uncertain'],
      ['m/temp.first_1s', 1, 20, 'uncertain'],
      ['m/temp.last_1s', 1, 22, 'uncertain'],
    ]);
    await run.tick(t0 + 5_000);
    expect(derived().slice(14)).toEqual(
      ['min', 'max', 'avg', 'count', 'sum', 'first', 'last'].map((fn) => [`m/temp.${fn}_1s`, 2, fn === 'count' ? 1 : 5, 'good']),
    );
    await run.tick(t0 + 60_000); // nothing more is open
    expect(run.counts()).toEqual({ received: 6, derived: 21, stored: 27, rejected: 0, filtered: 0, failed: 0, pending: 0 });
  });

  it('drops aggregated raw points when keepRaw is false, passes what it did not aggregate, and sends its outputs through later processors', async () => {
    const processors = createProcessors([
      { type: 'aggregate', tags: ['line/+/power'], windowMs: 60_000, keepRaw: false },
      { type: 'convert', tags: ['line/+/power.avg_1m'], from: 'kW', to: 'W' },
    ]);
    const run = recordingPipeline(processors);
    await run.send([
      point('line/a/power', t0, 10),
      point('line/a/power', t0 + 30 * second, 20),
      point('line/a/power', t0 + 45 * second, 999, 'bad'), // bad quality: not aggregated, goes on raw
      point('line/b/power', t0 + 10 * second, 4),
      point('line/a/state', t0 + 10 * second, 'run'), // not matched
    ]);
    await run.send([
      point('line/a/power', t0 + 61 * second, 30), // closes a's first minute
      point('line/a/power', t0 + 50 * second, 7), // late: a's open window starts at 60 s
    ]);
    await run.tick(t0 + 61_999); // b's first minute is due at 60 s + 2 s grace
    await run.tick(t0 + 62_000);
    await run.tick(t0 + 122_000); // a's second minute
    await run.send([point('line/b/power', t0 + 59 * second, 8)]); // late: b's first minute was emitted
    expect(run.stored.map((each) => [each.tag, (each.ts - t0) / second, each.value])).toEqual([
      ['line/a/power', 45, 999],
      ['line/a/state', 10, 'run'],
      ['line/a/power', 50, 7],
      ['line/a/power.min_1m', 0, 10],
      ['line/a/power.max_1m', 0, 20],
      ['line/a/power.avg_1m', 0, 15_000],
      ['line/a/power.count_1m', 0, 2],
      ['line/b/power.min_1m', 0, 4],
      ['line/b/power.max_1m', 0, 4],
      ['line/b/power.avg_1m', 0, 4_000],
      ['line/b/power.count_1m', 0, 1],
      ['line/a/power.min_1m', 60, 30],
      ['line/a/power.max_1m', 60, 30],
      ['line/a/power.avg_1m', 60, 30_000],
      ['line/a/power.count_1m', 60, 1],
      ['line/b/power', 59, 8],
    ]);
    expect(run.counts()).toEqual({ received: 8, derived: 12, stored: 16, rejected: 0, filtered: 4, failed: 0, pending: 0 });
    expect((processors[0] as Aggregate).late).toBe(2);
    expect(run.newTags.filter((tag) => tag.path.startsWith('line/a/power.'))).toEqual(
      ['min', 'max', 'avg', 'count'].map((fn) => ({
        path: `line/a/power.${fn}_1m`,
        dataType: 'float',
        classification: 'internal',
        source: { protocol: 'computed', address: 'aggregate[0]' },
      })),
    );
  });

  it('names windows by their length', () => {
    expect([250, 1_000, 1_500, 10_000, 60_000, 90_000, 900_000, 3_600_000, 86_400_000].map(windowLabel)).toEqual([
      '250ms',
      '1s',
      '1500ms',
      '10s',
      '1m',
      '90s',
      '15m',
      '1h',
      '1d',
    ]);
  });

  it('refuses, counted, an output whose tag path would be too long, and keeps the raw point', async () => {
    const tag = `m/${'x'.repeat(60)}`;
    const run = recordingPipeline(createProcessors([{ type: 'aggregate', tags: ['m/+'], windowMs: 1_000, functions: ['avg'] }]));
    await run.send([point(tag, t0, 1), point(tag, t0 + second, 2)]);
    expect(run.stored.map((each) => each.tag)).toEqual([tag, tag]);
    expect([run.pipeline.stats.rejected['bad-topic'], run.unaccounted()]).toEqual([1, 0]);
  });
});
