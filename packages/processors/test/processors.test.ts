import { describe, expect, it } from 'vitest';
import type { ProcessorContext } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { createProcessors, TagMatcher } from '../src/index.ts';
import { point, recordingPipeline, t0 } from './pipeline-fixture.ts';

const second = 1_000;

describe('scale and convert', () => {
  it('scale maps numeric values of matching tags to value × factor + offset and leaves everything else alone', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'scale', tags: ['plant/+/raw'], factor: 0.1, offset: -40 }]));
    await run.send([
      point('plant/line1/raw', t0, 500),
      point('plant/line2/raw', t0, 1_000),
      point('plant/line3/raw', t0, true),
      point('plant/line1/other', t0, 500),
    ]);
    expect(run.stored).toEqual([
      point('plant/line1/raw', t0, 10),
      point('plant/line2/raw', t0, 60),
      point('plant/line3/raw', t0, true),
      point('plant/line1/other', t0, 500),
    ]);
    expect(run.counts()).toEqual({ received: 4, derived: 0, stored: 4, rejected: 0, filtered: 0, failed: 0, pending: 0 });
  });

  it('convert turns °F into °C and bar into psi on the tags it is given', async () => {
    const run = recordingPipeline(
      createProcessors([
        { type: 'convert', tags: ['site/+/temperature'], from: '°F', to: '°C' },
        { type: 'convert', tags: ['site/+/pressure'], from: 'bar', to: 'psi' },
      ]),
    );
    await run.send([point('site/a/temperature', t0, 212), point('site/b/temperature', t0, 32), point('site/a/pressure', t0, 1), point('site/a/flow', t0, 212)]);
    expect(run.stored.map((each) => [each.tag, each.value])).toEqual([
      ['site/a/temperature', expect.closeTo(100, 12)],
      ['site/b/temperature', expect.closeTo(0, 12)],
      ['site/a/pressure', expect.closeTo(14.503773773, 8)],
      ['site/a/flow', 212],
    ]);
  });
});

describe('deadband', () => {
  it('reports a value only past the band, on a quality change or after the heartbeat; redeliveries pass; counts the rest as filtered', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'deadband', tags: ['a/b/temp'], band: 0.5, maxSilenceMs: 10 * second }]));
    const at = (seconds: number) => t0 + seconds * second;
    await run.send([
      point('a/b/temp', at(0), 20.0), // first: reported
      point('a/b/temp', at(1), 20.3), // 0.3 from 20.0: inside
      point('a/b/temp', at(2), 20.5), // 0.5: not more than the band
      point('a/b/temp', at(3), 20.6), // 0.6: reported
      point('a/b/temp', at(4), 20.2), // 0.4 from 20.6: inside
      point('a/b/temp', at(5), 20.2, 'uncertain'), // quality changed: reported
      point('a/b/temp', at(6), 20.2, 'uncertain'), // same
      point('a/b/other', at(6), 1), // not matched
      point('a/b/other', at(7), 1),
    ]);
    await run.send([
      point('a/b/temp', at(16), 20.3, 'uncertain'), // 11 s since the last report ≥ 10 s heartbeat
      point('a/b/temp', at(17), 20.3), // quality back to good
      point('a/b/temp', at(3), 20.6), // a redelivery of a reported point
    ]);
    expect(run.stored.map((each) => [(each.ts - t0) / second, each.tag, each.value, each.quality])).toEqual([
      [0, 'a/b/temp', 20.0, 'good'],
      [3, 'a/b/temp', 20.6, 'good'],
      [5, 'a/b/temp', 20.2, 'uncertain'],
      [6, 'a/b/other', 1, 'good'],
      [7, 'a/b/other', 1, 'good'],
      [16, 'a/b/temp', 20.3, 'uncertain'],
      [17, 'a/b/temp', 20.3, 'good'],
      [3, 'a/b/temp', 20.6, 'good'],
    ]);
    expect(run.counts()).toEqual({ received: 12, derived: 0, stored: 8, rejected: 0, filtered: 4, failed: 0, pending: 0 });
  });

  it('with band 0 reports by exception: every change of a number, boolean or string, nothing that repeats', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'deadband', tags: ['#'], band: 0 }]));
    const values = { 'm/state': ['run', 'run', 'stop', 'stop', 'run'], 'm/alarm': [true, true, false], 'm/speed': [1, 1, 1.0001] };
    await run.send(Object.entries(values).flatMap(([tag, series]) => series.map((value, index) => point(tag, t0 + index * second, value))));
    expect(run.stored.map((each) => `${each.tag}=${String(each.value)}`)).toEqual([
      'm/state=run',
      'm/state=stop',
      'm/state=run',
      'm/alarm=true',
      'm/alarm=false',
      'm/speed=1',
      'm/speed=1.0001',
    ]);
    expect([run.counts().filtered, run.unaccounted()]).toEqual([4, 0]);
  });

  it('in percent mode compares against a share of the last reported value', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'deadband', tags: ['m/flow'], band: 10, mode: 'percent' }]));
    // 100 reported; 109 is 9 % off (inside); 111 is 11 % off (reported); 100 is 11 from 111, under 11.1 (inside); 99 is 12 off (reported).
    await run.send([100, 109, 111, 100, 99].map((value, index) => point('m/flow', t0 + index * second, value)));
    expect(run.stored.map((each) => each.value)).toEqual([100, 111, 99]);
    expect(run.counts().filtered).toBe(2);
  });
});

describe('rate-limit', () => {
  it('keeps the first point of each tag per interval and filters the rest; older points and repeats of the last pass', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'rate-limit', tags: ['m/+'], intervalMs: 1_000 }]));
    await run.send([0, 300, 999, 1_000, 1_500, 2_100].map((offset) => point('m/a', t0 + offset, offset)));
    await run.send([point('m/a', t0 + 2_100, 2_100), point('m/a', t0 + 500, 500), point('m/b', t0 + 100, 1), point('x/y/z', t0 + 1, 1)]);
    expect(run.stored.map((each) => `${each.tag}@${each.ts - t0}`)).toEqual(['m/a@0', 'm/a@1000', 'm/a@2100', 'm/a@2100', 'm/a@500', 'm/b@100', 'x/y/z@1']);
    expect(run.counts()).toEqual({ received: 10, derived: 0, stored: 7, rejected: 0, filtered: 3, failed: 0, pending: 0 });
  });
});

describe('tag filters', () => {
  it('match MQTT-style filters and remember the answer per tag', () => {
    const matcher = new TagMatcher(['a/+/c', 'x/#']);
    expect(['a/b/c', 'a/b/c', 'a/b/d', 'x', 'x/y/z', 'a/b/c/d'].map((tag) => matcher.matches(tag))).toEqual([true, true, false, true, true, false]);
  });

  it('leave a batch with no matching tag as it is: the same array comes back, no copy', () => {
    const batch: Point[] = Array.from({ length: 100 }, (_, index) => point(`other/tag/${index}`, t0, index));
    const context: ProcessorContext = {
      emit: () => {
        throw new Error('nothing is derived from tags that do not match');
      },
    };
    const processors = createProcessors([
      { type: 'scale', tags: ['plant/#'], factor: 2 },
      { type: 'convert', tags: ['plant/#'], from: 'kW', to: 'hp' },
      { type: 'deadband', tags: ['plant/#'], band: 1 },
      { type: 'rate-limit', tags: ['plant/#'], intervalMs: 1_000 },
      { type: 'aggregate', tags: ['plant/#'], windowMs: 1_000, keepRaw: false },
      { type: 'model', tags: ['plant/#'], model: 'zscore' },
    ]);
    for (const processor of processors) expect(processor.process(batch, context)).toBe(batch);
  });
});
