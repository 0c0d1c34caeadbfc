import { describe, expect, it } from 'vitest';
import { replayRules, summariseAlarmEvents, type RuleDefinition } from '@shopfloor/alarms';
import { point } from './fixtures.ts';

const tag = 'acme/p1/l1/oven/temp';

describe('replayRules', () => {
  it('replays points in virtual time, firing delays and stale rules when they would have fired', () => {
    const rules: RuleDefinition[] = [
      { id: 'hot', target: { model: 'oven', measurement: 'temp' }, type: 'threshold', priority: 'high', op: '>', limit: 80, onDelayMs: 1_500 },
      { id: 'silent', target: { tags: 'acme/#' }, type: 'stale', priority: 'low', afterMs: 10_000 },
    ];
    const t0 = Date.UTC(2026, 0, 1);
    // Out of order on purpose: a replay sorts by time. The tag has a model rule and a filter rule.
    const points = [point(tag, t0 + 2_000, 85), point(tag, t0, 70), point(tag, t0 + 1_000, 85), point(tag, t0 + 3_000, 86), point(tag, t0 + 20_000, 60)];
    const events = replayRules(rules, [{ path: 'acme/p1/l1/oven', modelChain: ['oven', 'machine'] }], points, { until: t0 + 40_000 });
    expect(events.map((event) => [event.ts - t0, event.alarm.rule, event.from, event.to, event.value])).toEqual([
      [2_500, 'hot', 'normal', 'active-unacknowledged', 85],
      [13_000, 'silent', 'normal', 'active-unacknowledged', 86],
      [20_000, 'hot', 'active-unacknowledged', 'rtn-unacknowledged', 60],
      [20_000, 'silent', 'active-unacknowledged', 'rtn-unacknowledged', 60],
      [30_000, 'silent', 'rtn-unacknowledged', 'active-unacknowledged', 60],
    ]);
    expect(events[0]?.alarm).toEqual({ rule: 'hot', tag, asset: 'acme/p1/l1/oven' });
    expect(events[0]?.id).toBe('replay:1');

    expect(summariseAlarmEvents(events, t0 + 40_000)).toEqual([
      { alarm: { rule: 'hot', tag, asset: 'acme/p1/l1/oven' }, activations: 1, timeInAlarmMs: 17_500, lastState: 'rtn-unacknowledged' },
      { alarm: { rule: 'silent', tag, asset: 'acme/p1/l1/oven' }, activations: 2, timeInAlarmMs: 7_000 + 10_000, lastState: 'active-unacknowledged' },
    ]);
  });

  it('returns nothing for no points, and counts acknowledged clears in the summary', () => {
    expect(replayRules([{ id: 'x', target: { tags: '#' }, type: 'state', priority: 'low', in: ['down'] }], [], [])).toEqual([]);
    const alarm = { rule: 'r', tag: 'a/b' };
    const base = { alarm, priority: 'low' as const, message: 'm' };
    expect(
      summariseAlarmEvents(
        [
          { ...base, id: 'e:1', seq: 1, ts: 0, from: 'normal', to: 'active-unacknowledged' },
          { ...base, id: 'e:2', seq: 2, ts: 5, from: 'active-unacknowledged', to: 'active-acknowledged' },
          { ...base, id: 'e:3', seq: 3, ts: 10, from: 'active-acknowledged', to: 'normal' },
        ],
        100,
      ),
    ).toEqual([{ alarm, activations: 1, timeInAlarmMs: 10, lastState: 'normal' }]);
  });
});
