import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmEngine, createAlarmEngine } from '@shopfloor/alarms';
import { apiDefaults, createApiServer, createNodeMetrics, FileTokenStore, LiveHub, type ApiServer } from '@shopfloor/api';
import { createSilentLogger, IngestStats } from '@shopfloor/engine';
import { createSqliteAlarmStore, createSqlitePointStore, createSqliteRegistry, type SqliteAlarmStore } from '@shopfloor/store-sqlite';
import { testApi, type TestApi } from '@shopfloor/testkit';
import type { AlarmEvent, AlarmRecord } from '@shopfloor/model';

const oven = 'acme/p1/l1/oven/temp';
const dryer = 'acme/p1/l1/dryer/temp';

interface Node {
  server: ApiServer;
  api: TestApi;
  url: string;
  token: string;
  close(): Promise<void>;
}

async function startApi(dir: string, alarms: { engine: AlarmEngine; history: SqliteAlarmStore } | undefined, now: () => number): Promise<Node> {
  const logger = createSilentLogger();
  const store = await createSqlitePointStore(
    { file: join(dir, `points-${Math.random()}.db`), chunkSeconds: 60, checkpointSeconds: 30, maxBatchPoints: 1_000 },
    { logger },
  );
  const registry = await createSqliteRegistry({ file: ':memory:' }, { logger });
  const tokens = new FileTokenStore(join(dir, `tokens-${Math.random()}.json`));
  const token = tokens.create('ann', 'admin');
  const stats = new IngestStats();
  const live = new LiveHub();
  const server = await createApiServer(
    { ...apiDefaults, port: 0 },
    {
      store,
      registry,
      stats,
      live,
      metrics: createNodeMetrics(stats, live),
      tokens,
      logger,
      info: { role: 'edge', version: 'test', startedAt: 0 },
      now,
      ...(alarms === undefined ? {} : { alarms }),
    },
  );
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    server,
    api: testApi(url, token),
    url,
    token,
    async close() {
      await server.close();
      await store.close();
      await registry.close();
    },
  };
}

async function post(node: Node, path: string, body: unknown, token: string | null = node.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('alarm routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-alarm-api-'));
  let clock = 1_000_000;
  let node: Node;
  let bare: Node;
  let engine: AlarmEngine;
  let alarmStore: SqliteAlarmStore;

  beforeAll(async () => {
    alarmStore = await createSqliteAlarmStore({ file: join(dir, 'alarms.db') }, { logger: createSilentLogger() });
    engine = await createAlarmEngine(
      [
        { id: 'hot', target: { tags: 'acme/+/+/+/temp' }, type: 'threshold', priority: 'high', op: '>', limit: 80 },
        { id: 'very-hot', target: { tags: 'acme/+/+/oven/temp' }, type: 'threshold', priority: 'critical', op: '>', limit: 120 },
      ],
      { logger: createSilentLogger(), origin: 'edge1', now: () => clock, store: alarmStore },
    );
    node = await startApi(dir, { engine, history: alarmStore }, () => clock);
    bare = await startApi(dir, undefined, () => clock);
  });
  afterAll(async () => {
    await node.close();
    await bare.close();
    await engine.close();
    await alarmStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists current alarms by state, priority and tag prefix, most urgent first', async () => {
    engine.process([
      { tag: oven, ts: clock, value: 130, quality: 'good' },
      { tag: dryer, ts: clock, value: 90, quality: 'good' },
    ]);
    const all = await node.api.get<{ alarms: AlarmRecord[] }>('/api/v1/alarms');
    expect(all.body.alarms.map((record) => [record.alarm.rule, record.alarm.tag, record.state, record.priority])).toEqual([
      ['very-hot', oven, 'active-unacknowledged', 'critical'],
      ['hot', oven, 'active-unacknowledged', 'high'],
      ['hot', dryer, 'active-unacknowledged', 'high'],
    ]);
    const high = await node.api.get<{ alarms: AlarmRecord[] }>('/api/v1/alarms?priority=high&tagPrefix=acme/p1/l1/dryer/');
    expect(high.body.alarms.map((record) => record.alarm.tag)).toEqual([dryer]);
    expect((await node.api.get<{ alarms: AlarmRecord[] }>('/api/v1/alarms?state=normal')).body.alarms).toEqual([]);
    const bad = await node.api.get('/api/v1/alarms?state=loud');
    expect([bad.status, (bad.body as { error: { code: string } }).error.code]).toEqual([400, 'SF_BAD_REQUEST']);
  });

  it('acknowledges, shelves, unshelves, suppresses and unsuppresses as the token user, and answers conflicts and unknown alarms with codes', async () => {
    clock += 1_000;
    const acked = await post(node, '/api/v1/alarms/ack', { rule: 'hot', tag: oven, comment: 'checking' });
    expect([acked.status, (acked.body['alarm'] as AlarmRecord).state, (acked.body['alarm'] as AlarmRecord).acknowledged]).toEqual([
      200,
      'active-acknowledged',
      { user: 'ann', ts: clock, comment: 'checking' },
    ]);
    const again = await post(node, '/api/v1/alarms/ack', { rule: 'hot', tag: oven });
    expect([again.status, again.body['error']]).toEqual([
      409,
      { code: 'SF_CONFLICT', message: `alarm "hot" on "${oven}" is active-acknowledged: only an unacknowledged alarm can be acknowledged` },
    ]);
    const unknown = await post(node, '/api/v1/alarms/ack', { rule: 'cold', tag: oven });
    expect([unknown.status, (unknown.body['error'] as { code: string }).code]).toEqual([404, 'SF_ALARM_NOT_FOUND']);

    const shelved = await post(node, '/api/v1/alarms/shelve', { rule: 'hot', tag: dryer, durationMs: 60_000 });
    expect([shelved.status, (shelved.body['alarm'] as AlarmRecord).state, (shelved.body['alarm'] as AlarmRecord).shelvedUntil]).toEqual([
      200,
      'shelved',
      clock + 60_000,
    ]);
    const both = await post(node, '/api/v1/alarms/shelve', { rule: 'hot', tag: dryer, durationMs: 1, untilTs: clock + 5 });
    expect([both.status, (both.body['error'] as { code: string }).code]).toEqual([400, 'SF_BAD_REQUEST']);
    const past = await post(node, '/api/v1/alarms/shelve', { rule: 'hot', tag: dryer, untilTs: clock - 5 });
    expect([past.status, (past.body['error'] as { code: string }).code]).toEqual([400, 'SF_BAD_REQUEST']);
    expect((await post(node, '/api/v1/alarms/unshelve', { rule: 'hot', tag: dryer })).body['alarm']).toMatchObject({ state: 'active-unacknowledged' });
    expect((await post(node, '/api/v1/alarms/suppress', { rule: 'very-hot', tag: oven, comment: 'oven in bake-out' })).body['alarm']).toMatchObject({
      state: 'suppressed',
    });
    expect((await post(node, '/api/v1/alarms/out-of-service', { rule: 'very-hot', tag: oven })).body['alarm']).toMatchObject({ state: 'out-of-service' });
    expect((await post(node, '/api/v1/alarms/return-to-service', { rule: 'very-hot', tag: oven })).body['alarm']).toMatchObject({ state: 'suppressed' });
    expect((await post(node, '/api/v1/alarms/unsuppress', { rule: 'very-hot', tag: oven })).body['alarm']).toMatchObject({ state: 'active-unacknowledged' });
    const extra = await post(node, '/api/v1/alarms/ack', { rule: 'hot', tag: dryer, user: 'mallory' });
    expect(extra.status).toBe(400);
    const anonymous = await post(node, '/api/v1/alarms/ack', { rule: 'hot', tag: dryer }, null);
    expect([anonymous.status, (anonymous.body['error'] as { code: string }).code]).toEqual([401, 'SF_UNAUTHENTICATED']);
  });

  it('serves the persisted history by time, tag and state', async () => {
    await engine.persisted();
    const history = await node.api.get<{ events: AlarmEvent[] }>(`/api/v1/alarms/history?from=0&tag=${encodeURIComponent(oven)}`);
    expect(history.body.events.map((event) => [event.alarm.rule, event.from, event.to, event.user])).toEqual([
      ['hot', 'normal', 'active-unacknowledged', undefined],
      ['very-hot', 'normal', 'active-unacknowledged', undefined],
      ['hot', 'active-unacknowledged', 'active-acknowledged', 'ann'],
      ['very-hot', 'active-unacknowledged', 'suppressed', 'ann'],
      ['very-hot', 'suppressed', 'out-of-service', 'ann'],
      ['very-hot', 'out-of-service', 'suppressed', 'ann'],
      ['very-hot', 'suppressed', 'active-unacknowledged', 'ann'],
    ]);
    const shelves = await node.api.get<{ events: AlarmEvent[] }>('/api/v1/alarms/history?state=shelved');
    expect(shelves.body.events.map((event) => [event.alarm.tag, event.shelvedUntil])).toEqual([[dryer, clock + 60_000]]);
    expect((await node.api.get<{ events: AlarmEvent[] }>(`/api/v1/alarms/history?from=${clock + 1}`)).body.events).toEqual([]);
    const reversed = await node.api.get(`/api/v1/alarms/history?from=${clock}&to=${clock - 1}`);
    expect([reversed.status, (reversed.body as { error: { code: string } }).error.code]).toEqual([400, 'SF_TIME_RANGE_INVALID']);
  });

  it('answers 503 SF_ALARMS_UNAVAILABLE on a node without an alarm engine', async () => {
    const list = await bare.api.get('/api/v1/alarms');
    expect([list.status, list.body]).toEqual([
      503,
      { error: { code: 'SF_ALARMS_UNAVAILABLE', message: 'this node runs no alarm engine: alarms are evaluated on an edge (or in the demo)' } },
    ]);
    expect((await bare.api.get('/api/v1/alarms/history')).status).toBe(503);
    expect((await post(bare, '/api/v1/alarms/ack', { rule: 'hot', tag: oven })).status).toBe(503);
  });
});
