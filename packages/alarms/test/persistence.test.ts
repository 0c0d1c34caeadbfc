import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAlarmEngine, type AlarmStore, type RuleDefinition } from '@shopfloor/alarms';
import { createSilentLogger } from '@shopfloor/engine';
import { createSqliteAlarmStore } from '@shopfloor/store-sqlite';
import { createCapturingLogger } from '@shopfloor/testkit';
import type { AlarmEvent, AlarmRecord, AlarmSnapshot } from '@shopfloor/model';
import { point } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'sf-alarms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rules: RuleDefinition[] = [
  { id: 'hot', target: { tags: 'acme/+/+/+/temp' }, type: 'threshold', priority: 'high', op: '>', limit: 80, deadband: 2 },
  { id: 'dry-run', target: { model: 'pump', measurement: 'flow' }, type: 'threshold', priority: 'medium', op: '<', limit: 1 },
];
const assets = [{ path: 'acme/p1/water/p101', modelChain: ['pump'] }];
const oven = 'acme/p1/l1/oven/temp';
const flow = 'acme/p1/water/p101/flow';

describe('alarm state across a restart (SQLite store)', () => {
  it('an alarm active before the restart is still active and unacknowledged after it, with no second activation', async () => {
    const file = join(dir, 'alarms.db');
    let clock = 1_000;
    const first = await createSqliteAlarmStore({ file }, { logger: createSilentLogger() });
    const before = await createAlarmEngine(rules, { logger: createSilentLogger(), origin: 'edge1', now: () => clock, store: first, assets });
    before.process([point(oven, 1_000, 90), point(flow, 1_000, 0)]);
    clock = 2_000;
    before.acknowledge('dry-run', flow, { user: 'ann', comment: 'checking the valve' });
    before.shelve('hot', 'acme/p1/l1/dryer/temp', 50_000, { user: 'bob' }); // a filter alarm whose tag has not reported yet
    await before.close();
    await first.close();

    clock = 3_000;
    const second = await createSqliteAlarmStore({ file }, { logger: createSilentLogger() });
    const after = await createAlarmEngine(rules, { logger: createSilentLogger(), origin: 'edge1', now: () => clock, store: second, assets });
    const events: AlarmEvent[] = [];
    after.onEvent((event) => events.push(event));
    expect(after.alarms().map((record) => [record.alarm.rule, record.alarm.tag, record.state, record.acknowledged?.user])).toEqual([
      ['hot', 'acme/p1/l1/dryer/temp', 'shelved', undefined],
      ['hot', oven, 'active-unacknowledged', undefined],
      ['dry-run', flow, 'active-acknowledged', 'ann'],
    ]);
    after.process([point(oven, 3_000, 91), point(flow, 3_000, 0), point(oven, 4_000, 78)]);
    expect(events.map((event) => [event.id, event.alarm.tag, event.from, event.to])).toEqual([
      ['edge1:5', oven, 'active-unacknowledged', 'rtn-unacknowledged'],
    ]);
    clock = 60_000;
    after.tick();
    expect(events.at(-1)).toMatchObject({ id: 'edge1:6', from: 'shelved', to: 'normal', alarm: { tag: 'acme/p1/l1/dryer/temp' } });
    await after.close();

    const history = await second.history({});
    expect(history.map((event) => [event.id, event.alarm.rule, event.from, event.to])).toEqual([
      ['edge1:1', 'hot', 'normal', 'active-unacknowledged'],
      ['edge1:2', 'dry-run', 'normal', 'active-unacknowledged'],
      ['edge1:3', 'dry-run', 'active-unacknowledged', 'active-acknowledged'],
      ['edge1:4', 'hot', 'normal', 'shelved'],
      ['edge1:5', 'hot', 'active-unacknowledged', 'rtn-unacknowledged'],
      ['edge1:6', 'hot', 'shelved', 'normal'],
    ]);
    expect(history[2]).toMatchObject({ user: 'ann', comment: 'checking the valve', ts: 2_000 });
    expect((await second.history({ tag: oven })).map((event) => event.id)).toEqual(['edge1:1', 'edge1:5']);
    expect((await second.history({ from: 1_500, to: 3_000 })).map((event) => event.id)).toEqual(['edge1:3', 'edge1:4']);
    expect((await second.history({ state: 'active-unacknowledged', tagPrefix: 'acme/p1/water/' })).map((event) => event.id)).toEqual(['edge1:2']);
    expect((await second.history({ rule: 'hot', limit: 2 })).map((event) => event.id)).toEqual(['edge1:1', 'edge1:4']);
    expect((await second.current()).map((record) => [record.alarm.tag, record.state])).toEqual([
      [flow, 'active-acknowledged'],
      [oven, 'rtn-unacknowledged'],
    ]);
    expect((await second.current({ state: 'normal' })).map((record) => record.alarm.tag)).toEqual(['acme/p1/l1/dryer/temp']);
    expect(await second.current({ priority: 'low' })).toEqual([]);
    await second.close();
  });

  it('keeps unforwarded events for the uplink until they are marked forwarded; appending an id twice stores it once', async () => {
    const store = await createSqliteAlarmStore({ file: join(dir, 'outbox.db') }, { logger: createSilentLogger() });
    let clock = 0;
    const engine = await createAlarmEngine(rules, { logger: createSilentLogger(), origin: 'edge9', now: () => clock, store });
    for (let index = 0; index < 5; index++) {
      clock = index * 1_000;
      engine.process([point(oven, clock, index % 2 === 0 ? 90 : 70)]);
    }
    await engine.persisted();
    expect(await store.unforwardedCount()).toBe(5);
    const batch = await store.unforwarded(3);
    expect(batch.map((event) => event.id)).toEqual(['edge9:1', 'edge9:2', 'edge9:3']);
    await store.markForwarded(batch.map((event) => event.id));
    expect((await store.unforwarded(10)).map((event) => event.id)).toEqual(['edge9:4', 'edge9:5']);
    await store.append(batch, []);
    expect(await store.history({})).toHaveLength(5);
    expect((await store.load()).lastSeq).toBe(5);
    await engine.close();
    await store.close();
    await expect(store.load()).rejects.toMatchObject({ name: 'UnavailableError', code: 'SF_STORE_UNAVAILABLE' });
  });

  it('retries a failed write and keeps the events in order; nothing is lost', async () => {
    const written: AlarmEvent[] = [];
    let failures = 2;
    const flaky: AlarmStore = {
      load: async (): Promise<AlarmSnapshot> => ({ records: [], lastSeq: 41 }),
      append: async (events: readonly AlarmEvent[], _records: readonly AlarmRecord[]) => {
        if (failures-- > 0) throw new Error('disk full');
        written.push(...events);
      },
    };
    const logger = createCapturingLogger();
    const engine = await createAlarmEngine(rules, { logger, origin: 'e', store: flaky, retryMs: 5 });
    engine.process([point(oven, 1, 90)]);
    engine.process([point(oven, 2, 70)]);
    const deadline = Date.now() + 5_000;
    while (written.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(written.map((event) => event.id)).toEqual(['e:42', 'e:43']);
    expect(engine.stats.persistFailures).toBe(2);
    expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
      'persisting alarm events failed; retrying',
      'persisting alarm events failed; retrying',
    ]);
    await engine.close();
  });
});
