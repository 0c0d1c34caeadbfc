import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from '@shopfloor/alarms';
import { harness } from './fixtures.ts';

const tag = 'acme/plant1/line1/oven/temp';

describe('threshold rules', () => {
  it('activates after the on-delay and clears after the off-delay, with the deadband holding an active alarm', () => {
    const rule: RuleDefinition = {
      id: 'oven-hot',
      target: { tags: 'acme/+/+/oven/temp' },
      type: 'threshold',
      priority: 'high',
      op: '>',
      limit: 80,
      deadband: 5,
      onDelayMs: 2_000,
      offDelayMs: 1_000,
    };
    const h = harness([rule]);
    h.feed(tag, 0, 70); // normal
    h.feed(tag, 1_000, 85); // above: on-delay starts (due 3,000)
    h.feed(tag, 2_000, 79); // below the limit before the delay ran out: nothing
    h.feed(tag, 2_500, 81); // above again: on-delay restarts (due 4,500)
    h.feed(tag, 4_000, 83); // still pending
    h.feed(tag, 5_000, 82); // the delay ran out at 4,500 (value 83 held since 4,000): active
    h.feed(tag, 6_000, 77); // inside the deadband (75 < 77 ≤ 80): still active
    h.feed(tag, 7_000, 74); // at or below 75: off-delay starts (due 8,000)
    h.feed(tag, 7_500, 76); // back inside the deadband: off-delay cancelled
    h.feed(tag, 8_000, 70); // off-delay restarts (due 9,000)
    expect(h.timeline()).toEqual([[4_500, 'normal', 'active-unacknowledged', 83]]);
    h.tick(8_999);
    expect(h.events).toHaveLength(1);
    h.tick(9_000);
    expect(h.timeline()).toEqual([
      [4_500, 'normal', 'active-unacknowledged', 83],
      [9_000, 'active-unacknowledged', 'rtn-unacknowledged', 70],
    ]);
    expect(h.events.map((event) => event.id)).toEqual(['edge1:1', 'edge1:2']);
    expect(h.events[0]).toMatchObject({ alarm: { rule: 'oven-hot', tag }, priority: 'high', message: `${tag} > 80 (value 83)` });
  });

  it('handles every comparison without delays; a low-limit deadband clears at limit + deadband', () => {
    const low: RuleDefinition = { id: 'low', target: { tags: tag }, type: 'threshold', priority: 'low', op: '<', limit: 10, deadband: 2 };
    const h = harness([low]);
    for (const [ts, value] of [
      [0, 12],
      [1, 9.9], // < 10: active
      [2, 11], // < 12: still active
      [3, 12], // ≥ 12: clears
      [4, 10], // not < 10
      [5, 9], // active again
    ] as const)
      h.feed(tag, ts, value);
    expect(h.timeline()).toEqual([
      [1, 'normal', 'active-unacknowledged', 9.9],
      [3, 'active-unacknowledged', 'rtn-unacknowledged', 12],
      [5, 'rtn-unacknowledged', 'active-unacknowledged', 9],
    ]);

    const edges = (op: '>' | '>=' | '<' | '<=') => {
      const e = harness([{ id: 'r', target: { tags: tag }, type: 'threshold', priority: 'low', op, limit: 50 }]);
      for (const [ts, value] of [49, 50, 51, 50, 49].entries()) e.feed(tag, ts, value);
      return e.timeline().map(([ts, , to]) => [ts, to]);
    };
    expect(edges('>')).toEqual([
      [2, 'active-unacknowledged'],
      [3, 'rtn-unacknowledged'],
    ]);
    expect(edges('>=')).toEqual([
      [1, 'active-unacknowledged'],
      [4, 'rtn-unacknowledged'],
    ]);
    expect(edges('<')).toEqual([
      [0, 'active-unacknowledged'],
      [1, 'rtn-unacknowledged'],
      [4, 'active-unacknowledged'],
    ]);
    expect(edges('<=')).toEqual([
      [0, 'active-unacknowledged'],
      [2, 'rtn-unacknowledged'],
      [3, 'active-unacknowledged'],
    ]);
  });

  it('ignores non-numeric values and points older than the newest one seen', () => {
    const h = harness([{ id: 'hot', target: { tags: tag }, type: 'threshold', priority: 'low', op: '>', limit: 80 }]);
    h.feed(tag, 1_000, 'eighty-five');
    h.feed(tag, 2_000, 70);
    h.feed(tag, 1_500, 99); // late: history, changes nothing
    expect(h.events).toEqual([]);
  });
});

describe('rate-of-change rules', () => {
  it('alarms while the change over the window is faster than the limit, in the chosen direction', () => {
    const h = harness([
      { id: 'rising', target: { tags: tag }, type: 'rate-of-change', priority: 'medium', limitPerSecond: 2, windowMs: 2_000, direction: 'rising' },
    ]);
    h.feed(tag, 0, 10);
    h.feed(tag, 1_000, 11); // +1/s
    h.feed(tag, 2_000, 12); // (12 − 10) / 2 s = 1/s
    h.feed(tag, 3_000, 17); // (17 − 11) / 2 s = 3/s > 2: active
    h.feed(tag, 4_000, 18); // (18 − 12) / 2 s = 3/s: still
    h.feed(tag, 5_000, 19); // (19 − 17) / 2 s = 1/s: clears
    h.feed(tag, 6_000, 5); // (5 − 18) / 2 s = −6.5/s: falling, not counted
    expect(h.timeline()).toEqual([
      [3_000, 'normal', 'active-unacknowledged', 17],
      [5_000, 'active-unacknowledged', 'rtn-unacknowledged', 19],
    ]);

    const both = harness([{ id: 'both', target: { tags: tag }, type: 'rate-of-change', priority: 'medium', limitPerSecond: 2, windowMs: 2_000 }]);
    for (const [ts, value] of [
      [0, 100],
      [1_000, 100],
      [2_000, 95], // −2.5/s
      [3_000, 95], // (95 − 100) / 2 s = −2.5/s: still
      [4_000, 95], // 0
    ] as const)
      both.feed(tag, ts, value);
    expect(both.timeline()).toEqual([
      [2_000, 'normal', 'active-unacknowledged', 95],
      [4_000, 'active-unacknowledged', 'rtn-unacknowledged', 95],
    ]);
  });
});

describe('state rules', () => {
  it('alarms while the value is one of the listed states', () => {
    const state = 'acme/plant1/line1/press/state';
    const h = harness([{ id: 'down', target: { tags: 'acme/+/+/+/state' }, type: 'state', priority: 'critical', in: ['down', 'fault'] }]);
    h.feed(state, 0, 'running');
    h.feed(state, 1_000, 'down');
    h.feed(state, 2_000, 'fault'); // still in alarm: no event
    h.engine.acknowledge('down', state, { user: 'ann', ts: 2_500 });
    h.feed(state, 3_000, 'idle');
    expect(h.timeline()).toEqual([
      [1_000, 'normal', 'active-unacknowledged', 'down'],
      [2_500, 'active-unacknowledged', 'active-acknowledged', undefined],
      [3_000, 'active-acknowledged', 'normal', 'idle'],
    ]);
    expect(h.events[0]?.message).toBe(`${state} is down`);
  });
});

describe('stale rules', () => {
  it('alarms when no good point arrived for afterMs (checked by tick) and clears on the next good point', () => {
    const h = harness([{ id: 'silent', target: { tags: tag }, type: 'stale', priority: 'medium', afterMs: 5_000, message: '{tag} is silent' }]);
    h.feed(tag, 0, 1);
    h.feed(tag, 1_000, 2);
    h.tick(5_999);
    expect(h.events).toEqual([]);
    h.tick(6_000);
    h.tick(6_500);
    h.feed(tag, 7_000, 3);
    h.feed(tag, 8_000, 4, 'bad'); // a bad point is no sign of life
    h.tick(11_999);
    h.tick(12_000);
    expect(h.timeline()).toEqual([
      [6_000, 'normal', 'active-unacknowledged', 2],
      [7_000, 'active-unacknowledged', 'rtn-unacknowledged', 3],
      [12_000, 'rtn-unacknowledged', 'active-unacknowledged', 3],
    ]);
    expect(h.events[0]?.message).toBe(`${tag} is silent`);
  });

  it('a model-targeted stale alarm counts from the start when its tag never reports', () => {
    const h = harness([{ id: 'silent', target: { model: 'pump', measurement: 'flow' }, type: 'stale', priority: 'low', afterMs: 1_000 }], {
      assets: [{ path: 'acme/p1/utilities/p101', modelChain: ['pump'] }],
      start: 10_000,
    });
    h.tick(10_999);
    h.tick(11_000);
    expect(h.timeline()).toEqual([[11_000, 'normal', 'active-unacknowledged', undefined]]);
    expect(h.events[0]?.alarm).toEqual({ rule: 'silent', tag: 'acme/p1/utilities/p101/flow', asset: 'acme/p1/utilities/p101' });
  });
});

describe('quality', () => {
  it('bad and uncertain points never activate or clear an alarm, and cancel a pending delay', () => {
    const h = harness([{ id: 'hot', target: { tags: tag }, type: 'threshold', priority: 'high', op: '>', limit: 80, onDelayMs: 2_000 }]);
    h.feed(tag, 0, 99, 'bad');
    h.feed(tag, 1_000, 99, 'uncertain');
    h.tick(5_000);
    expect(h.events).toEqual([]);
    h.feed(tag, 6_000, 90); // pending from 6,000
    h.feed(tag, 7_000, 90, 'bad'); // the device stopped answering: the pending activation is off
    h.tick(9_000);
    expect(h.events).toEqual([]);
    h.feed(tag, 10_000, 90);
    h.feed(tag, 12_000, 90);
    expect(h.timeline()).toEqual([[12_000, 'normal', 'active-unacknowledged', 90]]);
    h.feed(tag, 13_000, 20, 'bad'); // a bad low value does not clear it
    h.feed(tag, 14_000, 20, 'uncertain');
    expect(h.events).toHaveLength(1);
    h.feed(tag, 15_000, 20);
    expect(h.events.at(-1)).toMatchObject({ ts: 15_000, to: 'rtn-unacknowledged' });
    expect(h.engine.stats.ignoredQuality).toBe(5);
  });
});

describe('model-targeted and filter-targeted rules', () => {
  it('instantiates a model rule for every asset of the model or of a model that inherits from it', () => {
    const assets = [
      { path: 'acme/p1/water/p101', modelChain: ['centrifugal-pump', 'pump', 'rotating'] },
      { path: 'acme/p1/air/f1', modelChain: ['fan', 'rotating'] },
      { path: 'acme/p1/water/v1', modelChain: ['valve'] },
    ];
    const h = harness(
      [
        { id: 'overspeed', target: { model: 'rotating', measurement: 'speed' }, type: 'threshold', priority: 'high', op: '>', limit: 3_000 },
        { id: 'dry-run', target: { model: 'pump', measurement: 'flow' }, type: 'threshold', priority: 'medium', op: '<', limit: 1 },
      ],
      { assets },
    );
    expect(h.engine.alarms({ state: 'normal' }).map((record) => [record.alarm.rule, record.alarm.tag, record.alarm.asset])).toEqual(
      expect.arrayContaining([
        ['overspeed', 'acme/p1/water/p101/speed', 'acme/p1/water/p101'],
        ['overspeed', 'acme/p1/air/f1/speed', 'acme/p1/air/f1'],
        ['dry-run', 'acme/p1/water/p101/flow', 'acme/p1/water/p101'],
      ]),
    );
    expect(h.engine.alarms({ state: 'normal' })).toHaveLength(3);
    h.feed('acme/p1/air/f1/speed', 1, 3_500);
    h.feed('acme/p1/water/v1/speed', 1, 3_500); // a valve has no such rule
    h.feed('acme/p1/water/p101/flow', 2, 0);
    expect(h.events.map((event) => [event.alarm.rule, event.alarm.tag, event.alarm.asset, event.to])).toEqual([
      ['overspeed', 'acme/p1/air/f1/speed', 'acme/p1/air/f1', 'active-unacknowledged'],
      ['dry-run', 'acme/p1/water/p101/flow', 'acme/p1/water/p101', 'active-unacknowledged'],
    ]);
    // New assets (a registry change) get their alarms.
    h.engine.setAssets([...assets, { path: 'acme/p1/water/p102', modelChain: ['pump', 'rotating'] }]);
    h.feed('acme/p1/water/p102/speed', 3, 4_000);
    expect(h.events.at(-1)?.alarm).toEqual({ rule: 'overspeed', tag: 'acme/p1/water/p102/speed', asset: 'acme/p1/water/p102' });
  });

  it('instantiates a filter rule per matching tag as tags appear, naming the asset when the parent is one', () => {
    const h = harness([{ id: 'hot', target: { tags: 'acme/+/+/+/temp' }, type: 'threshold', priority: 'low', op: '>', limit: 50 }], {
      assets: [{ path: 'acme/p1/l1/oven', modelChain: [] }],
    });
    expect(h.engine.alarms({ state: 'normal' })).toEqual([]);
    h.feed('acme/p1/l1/oven/temp', 1, 60);
    h.feed('acme/p1/l1/dryer/temp', 1, 60);
    h.feed('acme/p1/l1/dryer/pressure', 1, 60);
    h.feed('other/p1/l1/dryer/temp', 1, 60);
    expect(h.events.map((event) => event.alarm)).toEqual([
      { rule: 'hot', tag: 'acme/p1/l1/oven/temp', asset: 'acme/p1/l1/oven' },
      { rule: 'hot', tag: 'acme/p1/l1/dryer/temp' },
    ]);
  });

  it('passes the batch through unchanged', () => {
    const h = harness([{ id: 'hot', target: { tags: '#' }, type: 'threshold', priority: 'low', op: '>', limit: 50 }]);
    const batch = [
      { tag: 'a/b', ts: 1, value: 60, quality: 'good' as const },
      { tag: 'a/c', ts: 1, value: 'x', quality: 'bad' as const },
    ];
    expect(h.engine.process(batch)).toBe(batch);
  });
});
