import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from '@shopfloor/alarms';
import { harness } from './fixtures.ts';

const tag = 'acme/p1/l1/oven/temp';
const hot: RuleDefinition = { id: 'hot', target: { tags: tag }, type: 'threshold', priority: 'high', op: '>', limit: 80 };

function errorOf(action: () => unknown): { name: string; code: string; message: string } | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    const { name, code, message } = error as { name: string; code: string; message: string };
    return { name, code, message };
  }
}

describe('ISA-18.2 alarm states', () => {
  it('normal → active-unack → active-ack → normal, with user and comment on the acknowledgement', () => {
    const h = harness([hot]);
    h.feed(tag, 1_000, 90);
    const acked = h.engine.acknowledge('hot', tag, { user: 'ann', comment: 'on it', ts: 1_500 });
    expect(acked).toMatchObject({ state: 'active-acknowledged', condition: 'active-acknowledged', acknowledged: { user: 'ann', ts: 1_500, comment: 'on it' } });
    h.feed(tag, 2_000, 70);
    expect(h.events.map((event) => [event.ts, event.from, event.to, event.user, event.comment])).toEqual([
      [1_000, 'normal', 'active-unacknowledged', undefined, undefined],
      [1_500, 'active-unacknowledged', 'active-acknowledged', 'ann', 'on it'],
      [2_000, 'active-acknowledged', 'normal', undefined, undefined],
    ]);
    expect(h.engine.alarms()).toEqual([]);
    expect(h.engine.alarm('hot', tag)).toMatchObject({ state: 'normal', since: 2_000 });
  });

  it('active-unack → rtn-unack → (re-activation) active-unack → rtn-unack → ack → normal', () => {
    const h = harness([hot]);
    h.feed(tag, 1, 90);
    h.feed(tag, 2, 70);
    expect(h.engine.alarms()).toMatchObject([{ state: 'rtn-unacknowledged', activeSince: 1, value: 70 }]);
    h.feed(tag, 3, 95);
    h.feed(tag, 4, 70);
    h.engine.acknowledge('hot', tag, { user: 'bob', ts: 5 });
    expect(h.timeline()).toEqual([
      [1, 'normal', 'active-unacknowledged', 90],
      [2, 'active-unacknowledged', 'rtn-unacknowledged', 70],
      [3, 'rtn-unacknowledged', 'active-unacknowledged', 95],
      [4, 'active-unacknowledged', 'rtn-unacknowledged', 70],
      [5, 'rtn-unacknowledged', 'normal', undefined],
    ]);
    expect(h.engine.alarm('hot', tag)).toMatchObject({ state: 'normal', condition: 'normal' });
    expect(h.engine.alarm('hot', tag)?.activeSince).toBeUndefined();
  });

  it('shelving hides the alarm until the shelf expires; it then shows its condition state, which kept following the process', () => {
    const h = harness([hot]);
    h.feed(tag, 1_000, 90);
    h.engine.shelve('hot', tag, 10_000, { user: 'ann', comment: 'sensor being replaced', ts: 2_000 });
    h.feed(tag, 3_000, 70); // clears while shelved: no event, the condition moves to rtn-unack
    expect(h.engine.alarm('hot', tag)).toMatchObject({ state: 'shelved', condition: 'rtn-unacknowledged', shelvedUntil: 10_000 });
    expect(errorOf(() => h.engine.acknowledge('hot', tag, { user: 'ann' }))).toMatchObject({ name: 'ConflictError', code: 'SF_CONFLICT' });
    h.tick(9_999);
    h.tick(10_500);
    expect(h.events.map((event) => [event.ts, event.from, event.to, event.user, event.comment, event.shelvedUntil])).toEqual([
      [1_000, 'normal', 'active-unacknowledged', undefined, undefined, undefined],
      [2_000, 'active-unacknowledged', 'shelved', 'ann', 'sensor being replaced', 10_000],
      [10_000, 'shelved', 'rtn-unacknowledged', undefined, 'shelf expired', undefined],
    ]);
    h.engine.acknowledge('hot', tag, { user: 'ann', ts: 11_000 });
    expect(h.events.at(-1)).toMatchObject({ from: 'rtn-unacknowledged', to: 'normal', user: 'ann' });
  });

  it('unshelving by hand returns to the condition state; an activation while shelved shows as active-unack', () => {
    const h = harness([hot]);
    h.engine.shelve('hot', tag, 60_000, { user: 'ann', ts: 0 });
    h.feed(tag, 1_000, 99);
    h.engine.shelve('hot', tag, 90_000, { user: 'ann', ts: 1_500 }); // moves the expiry; still shelved, no event
    h.engine.unshelve('hot', tag, { user: 'bob', ts: 2_000 });
    h.tick(100_000); // the cancelled shelf does not fire later
    expect(h.events.map((event) => [event.ts, event.from, event.to, event.user])).toEqual([
      [0, 'normal', 'shelved', 'ann'],
      [2_000, 'shelved', 'active-unacknowledged', 'bob'],
    ]);
    expect(errorOf(() => h.engine.unshelve('hot', tag, { user: 'bob' }))).toMatchObject({ name: 'ConflictError', code: 'SF_CONFLICT' });
  });

  it('suppression and out-of-service hide the alarm, out-of-service outranking suppressed outranking shelved', () => {
    const h = harness([hot]);
    h.feed(tag, 1, 90);
    h.engine.shelve('hot', tag, 1_000, { user: 'ann', ts: 2 });
    h.engine.suppress('hot', tag, { user: 'logic:line-stopped', ts: 3 });
    h.engine.setOutOfService('hot', tag, true, { user: 'maint', ts: 4 });
    h.engine.unsuppress('hot', tag, { user: 'logic:line-stopped', ts: 5 }); // still out of service: no visible change
    h.engine.setOutOfService('hot', tag, false, { user: 'maint', ts: 6 }); // back to shelved
    h.feed(tag, 7, 70);
    h.tick(1_000); // shelf expires: the alarm returned to normal meanwhile, unacknowledged
    expect(h.events.map((event) => [event.ts, event.from, event.to])).toEqual([
      [1, 'normal', 'active-unacknowledged'],
      [2, 'active-unacknowledged', 'shelved'],
      [3, 'shelved', 'suppressed'],
      [4, 'suppressed', 'out-of-service'],
      [6, 'out-of-service', 'shelved'],
      [1_000, 'shelved', 'rtn-unacknowledged'],
    ]);
    expect(errorOf(() => h.engine.unsuppress('hot', tag, { user: 'x' }))).toMatchObject({ name: 'ConflictError' });
    h.engine.setOutOfService('hot', tag, true, { user: 'maint', ts: 1_100 });
    expect(errorOf(() => h.engine.shelve('hot', tag, 5_000, { user: 'x', ts: 1_200 }))).toMatchObject({ name: 'ConflictError' });
  });

  it('refuses acknowledging a normal alarm, an unknown alarm and a shelf in the past, naming the alarm', () => {
    const h = harness([hot, { id: 'model', target: { model: 'oven', measurement: 'temp' }, type: 'threshold', priority: 'low', op: '>', limit: 1 }]);
    h.feed(tag, 1, 70);
    expect(errorOf(() => h.engine.acknowledge('hot', tag, { user: 'ann' }))).toEqual({
      name: 'ConflictError',
      code: 'SF_CONFLICT',
      message: `alarm "hot" on "${tag}" is normal: only an unacknowledged alarm can be acknowledged`,
    });
    expect(errorOf(() => h.engine.acknowledge('nope', tag, { user: 'ann' }))).toEqual({
      name: 'NotFoundError',
      code: 'SF_ALARM_NOT_FOUND',
      message: `no alarm for rule "nope" on tag "${tag}": there is no rule "nope"`,
    });
    expect(errorOf(() => h.engine.acknowledge('hot', 'a/b', { user: 'ann' }))?.message).toBe(
      'no alarm for rule "hot" on tag "a/b": rule "hot" does not apply to tag "a/b"',
    );
    expect(errorOf(() => h.engine.shelve('hot', tag, 0, { user: 'ann', ts: 5 }))).toMatchObject({ name: 'InputError', code: 'SF_BAD_REQUEST' });
    expect(h.events).toEqual([]);
  });

  it('a listener that throws is logged and does not stop the others or the engine', () => {
    const h = harness([hot]);
    h.engine.onEvent(() => {
      throw new Error('boom');
    });
    const seen: string[] = [];
    const off = h.engine.onEvent((event, record) => seen.push(`${event.to}/${record.state}`));
    h.feed(tag, 1, 90);
    off();
    h.feed(tag, 2, 70);
    expect(seen).toEqual(['active-unacknowledged/active-unacknowledged']);
    expect(h.events).toHaveLength(2);
    expect(h.logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toEqual([
      'an alarm listener failed',
      'an alarm listener failed',
    ]);
  });
});
