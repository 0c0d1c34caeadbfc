import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mosquittoPub } from '@shopfloor/testkit';
import { startTestNode, type NodeFixture } from './node-fixture.ts';

interface LatestBody {
  points: { tag: string; ts: number; value: unknown; quality: string }[];
}
interface IngestBody {
  received: number;
  stored: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
}

describe('a hub node with the embedded broker', () => {
  let fixture: NodeFixture;
  beforeAll(async () => {
    fixture = await startTestNode();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('stores JSON published by mosquitto_pub and serves it as latest value and history', async () => {
    const ts = Date.now() - 1_000;
    await mosquittoPub(fixture.mqttPort, 'acme/plant1/press/line1/cell1/p4/oil-temp', JSON.stringify({ value: 71.5, ts }));
    await mosquittoPub(
      fixture.mqttPort,
      'acme/plant1/press/line1/cell1/p4',
      JSON.stringify({
        points: [
          { tag: 'pressure', ts, value: 3.25 },
          { tag: 'running', ts, value: true },
        ],
      }),
    );
    const latest = await fixture.api.until<LatestBody>('/api/v1/latest?filter=acme/plant1/press/%23', (body) => body.points.length === 3);
    expect(latest.points.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual([
      { tag: 'acme/plant1/press/line1/cell1/p4/oil-temp', ts, value: 71.5, quality: 'good' },
      { tag: 'acme/plant1/press/line1/cell1/p4/pressure', ts, value: 3.25, quality: 'good' },
      { tag: 'acme/plant1/press/line1/cell1/p4/running', ts, value: true, quality: 'good' },
    ]);
    const history = await fixture.api.get<{ points: unknown[] }>(`/api/v1/history?tag=acme/plant1/press/line1/cell1/p4/oil-temp&from=${ts - 10}&to=${ts + 10}`);
    expect(history).toEqual({
      status: 200,
      body: { tag: 'acme/plant1/press/line1/cell1/p4/oil-temp', from: ts - 10, to: ts + 10, points: [{ ts, value: 71.5, quality: 'good' }] },
    });
    const tags = await fixture.api.get<{ tags: { path: string; dataType: string; source?: { protocol: string; address: string } }[] }>(
      '/api/v1/tags?filter=acme/plant1/press/line1/cell1/p4/%2B',
    );
    expect(tags.body.tags.map((tag) => [tag.path, tag.dataType, tag.source?.protocol, tag.source?.address]).sort()).toEqual([
      ['acme/plant1/press/line1/cell1/p4/oil-temp', 'float', 'mqtt-json', 'acme/plant1/press/line1/cell1/p4/oil-temp'],
      ['acme/plant1/press/line1/cell1/p4/pressure', 'float', 'mqtt-json', 'acme/plant1/press/line1/cell1/p4'],
      ['acme/plant1/press/line1/cell1/p4/running', 'bool', 'mqtt-json', 'acme/plant1/press/line1/cell1/p4'],
    ]);
  });

  it('downsamples history into buckets', async () => {
    const base = Date.now() - 60_000;
    const points = Array.from({ length: 60 }, (_, index) => ({ tag: 'level', ts: base + index * 1_000, value: index }));
    await mosquittoPub(fixture.mqttPort, 'acme/plant1/tank/line1/t1', JSON.stringify({ points }));
    const tag = 'acme/plant1/tank/line1/t1/level';
    await fixture.api.until<LatestBody>(`/api/v1/latest?tag=${tag}`, (body) => body.points[0]?.value === 59);
    const { body } = await fixture.api.get<{ buckets: { count: number; min: number; max: number; avg: number }[] }>(
      `/api/v1/history?tag=${tag}&from=${base}&to=${base + 60_000}&buckets=3`,
    );
    expect(body.buckets.map(({ count, min, max, avg }) => ({ count, min, max, avg }))).toEqual([
      { count: 20, min: 0, max: 19, avg: 9.5 },
      { count: 20, min: 20, max: 39, avg: 29.5 },
      { count: 20, min: 40, max: 59, avg: 49.5 },
    ]);
  });

  it('refuses every kind of bad input with a counted reason and leaves the store unchanged', async () => {
    const tag = 'acme/plant1/bad/line1/cell1/m1/temp';
    const goodTs = Date.now() - 5_000;
    await mosquittoPub(fixture.mqttPort, tag, JSON.stringify({ value: 10, ts: goodTs }));
    await fixture.api.until<LatestBody>(`/api/v1/latest?tag=${tag}`, (body) => body.points.length === 1);
    const before = (await fixture.api.get<IngestBody>('/api/v1/ingest')).body;
    const tagsBefore = (await fixture.api.get<{ tags: unknown[] }>('/api/v1/tags')).body.tags.length;

    await mosquittoPub(fixture.mqttPort, tag, '{"value": 1');
    await mosquittoPub(fixture.mqttPort, tag, '{"value": "hot"}');
    await mosquittoPub(fixture.mqttPort, tag, '{"value": 1e999}');
    await mosquittoPub(fixture.mqttPort, tag, JSON.stringify({ value: 11, ts: Date.now() + 24 * 3_600_000 }));
    await mosquittoPub(fixture.mqttPort, tag, Buffer.from(JSON.stringify({ value: 'x'.repeat(300_000) })));
    await mosquittoPub(fixture.mqttPort, 'acme/plant1/bad/line1/cell1/m1/te mp', '12');
    await mosquittoPub(fixture.mqttPort, tag, '{"value": 12, "quality": "excellent"}');

    const after = await fixture.api.until<IngestBody>('/api/v1/ingest', (body) => body.rejected - before.rejected === 7);
    const delta = (reason: string) => (after.rejectedByReason[reason] ?? 0) - (before.rejectedByReason[reason] ?? 0);
    expect(['malformed-json', 'wrong-type', 'not-finite', 'future-timestamp', 'oversize-payload', 'bad-topic', 'bad-quality'].map(delta)).toEqual([
      1, 1, 1, 1, 1, 1, 1,
    ]);
    expect(after.stored).toBe(before.stored);
    const latest = await fixture.api.get<LatestBody>(`/api/v1/latest?tag=${tag}`);
    expect(latest.body.points).toEqual([{ tag, ts: goodTs, value: 10, quality: 'good' }]);
    expect((await fixture.api.get<{ tags: unknown[] }>('/api/v1/tags')).body.tags.length).toBe(tagsBefore);
  });

  it('denies anonymous and invalid-token calls with 401 and keeps health and metrics public', async () => {
    expect(await fixture.api.get('/api/v1/tags', null)).toEqual({
      status: 401,
      body: {
        error: {
          code: 'SF_UNAUTHENTICATED',
          message: 'this call needs an API token: send "Authorization: Bearer <token>" (the first start printed the admin token)',
        },
      },
    });
    expect((await fixture.api.get('/api/v1/latest', 'sf_000000000000_forged')).status).toBe(401);
    expect((await fixture.api.get('/api/v1/history?tag=a/b', null)).status).toBe(401);
    expect((await fixture.api.get('/health', null)).status).toBe(200);
    const metrics = await fixture.api.get<string>('/metrics', null);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^shopfloor_points_stored_total \d+$/m);
    expect(metrics.body).toMatch(/^shopfloor_points_rejected_total\{reason="malformed-json"\} \d+$/m);
  });

  it('answers bad queries with a JSON error naming the problem', async () => {
    expect(await fixture.api.get('/api/v1/history?tag=acme/plant1/nothing/here')).toEqual({
      status: 404,
      body: { error: { code: 'SF_TAG_NOT_FOUND', message: 'no tag "acme/plant1/nothing/here"' } },
    });
    const badRange = await fixture.api.get<{ error: { code: string } }>('/api/v1/history?tag=acme/plant1/tank/line1/t1/level&from=yesterday');
    expect(badRange.status).toBe(400);
    expect(badRange.body.error.code).toBe('SF_TIME_RANGE_INVALID');
    const badFilter = await fixture.api.get<{ error: { code: string; message: string } }>('/api/v1/latest?filter=acme/%23/x');
    expect(badFilter.body.error).toEqual({ code: 'SF_TAG_FILTER_INVALID', message: 'tag filter "acme/#/x" "#" may only be the last segment' });
  });

  it('streams live values over a WebSocket by UNS wildcard', async () => {
    const socket = new WebSocket(`${fixture.node.apiUrl.replace('http', 'ws')}/api/v1/live?filter=acme/%2B/live/%23`, {
      headers: { authorization: `Bearer ${fixture.token}` },
    });
    const messages: { type: string; points?: { tag: string; value: unknown }[] }[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string };
        messages.push(message);
        if (message.type === 'subscribed') resolve();
      });
      socket.on('error', reject);
    });
    await mosquittoPub(fixture.mqttPort, 'acme/plant1/other/line1/x', '1');
    await mosquittoPub(fixture.mqttPort, 'acme/plant1/live/line1/speed', '1450');
    const deadline = Date.now() + 5_000;
    while (!messages.some((message) => message.type === 'points') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.close();
    expect(messages.filter((message) => message.type === 'points').flatMap((message) => message.points?.map((point) => [point.tag, point.value]))).toEqual([
      ['acme/plant1/live/line1/speed', 1450],
    ]);

    const anonymous = new WebSocket(`${fixture.node.apiUrl.replace('http', 'ws')}/api/v1/live?filter=%23`);
    const status = await new Promise<number>((resolve) => anonymous.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    expect(status).toBe(401);
  });
});
