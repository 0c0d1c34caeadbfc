import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, startMosquitto, type FaultProxy, type MosquittoServer } from '@shopfloor/testkit';
import { reliabilityLine, startEdge, startHub, startPublisher, storedPoints, until, type LinkSettings, type TestNode, type Transport } from './edge-fixture.ts';

/**
 * Edge → hub over a link that fails, with real servers: a private Mosquitto or the machine's
 * nats-server (JetStream) between the two nodes, a fault-injecting TCP proxy in front of it on the
 * edge's side, a publisher acknowledged by the edge's broker only after the edge committed.
 */
const tags = Array.from({ length: 40 }, (_, index) => `acme/plant9/line1/cell${index % 4}/m${index}/value`);
const seconds = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1_000));
const runId = `t${process.pid}${Date.now() % 100_000}`;

describe.each<Transport>(['mqtt', 'jetstream'])('edge → hub over %s', (transport) => {
  let mosquitto: MosquittoServer | undefined;
  let proxy: FaultProxy;
  let link: LinkSettings;
  let hub: TestNode;
  let edge: TestNode;

  beforeAll(async () => {
    let target: { host: string; port: number };
    if (transport === 'mqtt') {
      mosquitto = await startMosquitto();
      target = { host: '127.0.0.1', port: mosquitto.port };
    } else {
      target = { host: '127.0.0.1', port: 4222 };
    }
    proxy = await startFaultProxy({ target });
    const scheme = transport === 'mqtt' ? 'mqtt' : 'nats';
    link = {
      transport,
      hubUrl: `${scheme}://${target.host}:${target.port}`,
      edgeUrl: `${scheme}://127.0.0.1:${proxy.port}`,
      name: transport === 'mqtt' ? `uplink/${runId}` : `UP_${runId}`,
    };
    hub = await startHub(link);
    edge = await startEdge(`edge-${transport}`, link, {
      adjust: (config) => {
        config.rules = [{ id: 'too-high', type: 'threshold', target: { tags: 'acme/plant9/alarms/+/+/+/level' }, op: '>', limit: 50, priority: 'high' }];
      },
    });
  });

  afterAll(async () => {
    await edge?.close();
    await hub?.close();
    await proxy?.close();
    await mosquitto?.close();
    edge?.remove();
    hub?.remove();
  });

  it('delivers every acknowledged point exactly once when the link is cut during a steady load and restored', async () => {
    const publisher = await startPublisher(edge.node.mqttUrl, tags, 2_000);
    await seconds(1.5);
    proxy.cut('blackhole');
    await seconds(3);
    // Nothing got through meanwhile: the outbox held the data (its backlog is at least the cut's 3 s).
    const held = await edge.node.edge.uplink?.readStats();
    proxy.restore();
    await seconds(1.5);
    await publisher.stop();
    const acked = publisher.log.acknowledged.length;
    expect(acked).toBeGreaterThan(5_000);
    // The edge has everything it acknowledged; the hub gets it once the outbox drains.
    await until('the outbox to drain', async () => (await edge.node.edge.uplink?.readStats())?.backlog.entries === 0, 30_000);
    const onHub = await storedPoints(hub.node, tags);
    const receiver = hub.node.hub?.receiver.stats();
    const report = reliabilityLine(`edge → hub (${transport}, cut 3 s)`, publisher.log.attempted, publisher.log.acknowledged, onHub, {
      duplicatedBefore: receiver?.duplicatePoints ?? 0,
      delivered: hub.node.pipeline.stats.received,
    });
    console.log(report.line);
    expect([report.lost, report.unexpected, report.duplicatedAfter]).toEqual([0, 0, 0]);
    // Per tag, ascending and without gaps against what the edge stored.
    const onEdge = await storedPoints(edge.node, tags);
    for (const tag of tags) expect(onHub.get(tag)?.map((point) => point.ts)).toEqual(onEdge.get(tag)?.map((point) => point.ts));
    expect(held?.backlog.points).toBeGreaterThan(4_000);
    // The MQTT ingest reports like the other collectors: its broker session, with the last message seen.
    const [mqttHealth] = edge.node.edge.collectors();
    expect(mqttHealth).toMatchObject({ id: 'mqtt', kind: 'mqtt', connected: true, devices: [{ id: 'embedded broker', connected: true }] });
    expect(mqttHealth?.lastGoodReadAt).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.now() - (held?.backlog.oldestCreated ?? Date.now())).toBeGreaterThan(2_500);
  });

  it('keeps sending while the hub restarts, and loses nothing', async () => {
    const restartTags = tags.map((tag) => tag.replace('/value', '/restart'));
    const publisher = await startPublisher(edge.node.mqttUrl, restartTags, 1_000);
    await seconds(1);
    const dataDir = hub.dataDir;
    await hub.close();
    await seconds(1.5);
    hub = await startHub(link, { dataDir });
    await seconds(1);
    await publisher.stop();
    await until('the outbox to drain', async () => (await edge.node.edge.uplink?.readStats())?.backlog.entries === 0, 30_000);
    const onHub = await storedPoints(hub.node, restartTags);
    const report = reliabilityLine(`edge → hub (${transport}, hub restart)`, publisher.log.attempted, publisher.log.acknowledged, onHub, {
      duplicatedBefore: hub.node.hub?.receiver.stats().duplicatePoints ?? 0,
      delivered: undefined,
    });
    console.log(report.line);
    expect([report.lost, report.unexpected]).toEqual([0, 0]);
  });

  it('raises an alarm at the edge while the uplink is down and brings it to the hub history when the link returns', async () => {
    proxy.cut('reset');
    const tag = 'acme/plant9/alarms/line1/cell1/tank/level';
    const client = await import('mqtt').then(({ default: mqtt }) => mqtt.connectAsync(edge.node.mqttUrl));
    await client.publishAsync(tag, JSON.stringify({ value: 80 }), { qos: 1 });
    await client.endAsync();
    const active = await edge.api.until<{ alarms: { alarm: { rule: string; tag: string }; state: string }[] }>('/api/v1/alarms', (body) =>
      body.alarms.some((record) => record.alarm.tag === tag && record.state === 'active-unacknowledged'),
    );
    expect(active.alarms.length).toBeGreaterThan(0);
    await seconds(0.5);
    const before = await hub.api.get<{ events: { alarm: { tag: string } }[] }>(`/api/v1/alarms/history?tag=${tag}`);
    expect(before.body.events.filter((event) => event.alarm.tag === tag)).toEqual([]);
    proxy.restore();
    const after = await hub.api.until<{ events: { alarm: { tag: string; rule: string }; to: string; id: string }[] }>(
      `/api/v1/alarms/history?tag=${tag}`,
      (body) => body.events.length > 0,
      20_000,
    );
    expect(after.events.map((event) => [event.alarm.rule, event.to])).toEqual([['too-high', 'active-unacknowledged']]);
    expect(after.events[0]?.id.startsWith(`edge-${transport}:`)).toBe(true);
  });

  it('takes collectors, processors and rules from the hub: versioned, refused when invalid, kept across a restart', async () => {
    const edgeId = `edge-${transport}`;
    await hub.api.until(`/api/v1/edges/${edgeId}`, (body: { status?: { configVersion?: number } }) => body.status?.configVersion === 0);
    const push = async (version: number, config: unknown) => {
      const response = await fetch(`${hub.node.apiUrl}/api/v1/edges/${edgeId}/config`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version, config }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const workload = (limit: number) => ({
      collectors: { modbus: { id: 'modbus', devices: [] } },
      vibration: [{ topics: ['acme/plant9/vib/+/+/+/accel'] }],
      rules: [{ id: 'pushed', type: 'threshold', target: { tags: 'acme/plant9/pushed/+/+/+/temp' }, op: '>', limit, priority: 'low' }],
    });
    expect(await push(1, workload(10))).toEqual({ status: 200, body: { ok: true, version: 1 } });
    const refused = await push(2, { ...workload(10), rules: [{ id: 'bad', type: 'threshold', target: { tags: 'x/#' }, op: '=>', limit: 1, priority: 'low' }] });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toMatch(/SF_EDGE_CONFIG_REFUSED.*rules\[0\]/);
    expect((await push(1, workload(20))).status).toBe(409);
    await hub.api.until(`/api/v1/edges/${edgeId}`, (body: { status?: { configVersion?: number } }) => body.status?.configVersion === 1);
    // The pushed rule runs.
    const { default: mqtt } = await import('mqtt');
    const client = await mqtt.connectAsync(edge.node.mqttUrl);
    await client.publishAsync('acme/plant9/pushed/l/c/m/temp', JSON.stringify({ value: 15 }), { qos: 1 });
    await client.endAsync();
    await edge.api.until('/api/v1/alarms', (body: { alarms: { alarm: { rule: string } }[] }) => body.alarms.some((record) => record.alarm.rule === 'pushed'));
    // The pushed waveform input turns a vibration block (a 1 g sine, 4,096 samples at 25.6 kHz) into features, forwarded to the hub.
    const samples = Buffer.alloc(4_096 * 4);
    for (let index = 0; index < 4_096; index++) samples.writeFloatLE(Math.sin((2 * Math.PI * 100 * index) / 25_600), index * 4);
    const sensor = await mqtt.connectAsync(edge.node.mqttUrl);
    await sensor.publishAsync(
      'acme/plant9/vib/l/c/m/accel',
      JSON.stringify({ ts: Date.now(), sampleRateHz: 25_600, samples: samples.toString('base64'), unit: 'g' }),
      { qos: 1 },
    );
    await sensor.endAsync();
    const rms = 'acme/plant9/vib/l/c/m/accel/rms';
    expect((await edge.node.store.latest([rms])).get(rms)?.value).toBeCloseTo(Math.SQRT1_2, 3);
    await until('the features at the hub', async () => (await hub.node.store.latest([rms])).has(rms));
    // A restart runs the pushed version, not the file's.
    const dataDir = edge.dataDir;
    const config = edge.config;
    await edge.close();
    edge = await startEdge(edgeId, link, { dataDir, adjust: (next) => Object.assign(next, { rules: config.rules }) });
    expect(edge.node.edge.configVersion()).toBe(1);
  });
});

describe('an edge in one-way mode', () => {
  it('sends to the hub but takes no configuration from it', async () => {
    const mosquitto = await startMosquitto();
    const link: LinkSettings = { transport: 'mqtt', hubUrl: mosquitto.url, edgeUrl: mosquitto.url, name: `oneway/${runId}` };
    const hub = await startHub(link);
    const edge = await startEdge('edge-oneway', link, {
      adjust: (config) => {
        config.edge.uplink.oneWay = true;
      },
    });
    try {
      const status = await hub.api.until<{ status?: { configVersion?: number } }>('/api/v1/edges/edge-oneway', (body) => body.status?.configVersion === 0);
      expect(status.status?.configVersion).toBe(0);
      const response = await fetch(`${hub.node.apiUrl}/api/v1/edges/edge-oneway/config`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: 1, config: {} }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SF_EDGE_UNREACHABLE');
      expect(edge.node.edge.configVersion()).toBe(0);
    } finally {
      await edge.close();
      await hub.close();
      await mosquitto.close();
      rmSync(edge.dataDir, { recursive: true, force: true });
      rmSync(hub.dataDir, { recursive: true, force: true });
    }
  });
});
