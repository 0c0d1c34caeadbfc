import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { mosquittoSub } from '@shopfloor/testkit';
import { startTestNode, type NodeFixture } from './node-fixture.ts';

const codec = sparkplug.get('spBv1.0')!;
const encode = (payload: UPayload) => Buffer.from(codec.encodePayload(payload));
const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;
/** Field by field, as edge nodes send alias-only DATA: no name, no datatype. */
const encodeRaw = (payload: Parameters<typeof protoPayload.create>[0]) => Buffer.from(protoPayload.encode(protoPayload.create(payload)).finish());

interface LatestBody {
  points: { tag: string; ts: number; value: unknown; quality: string }[];
}

describe('Sparkplug B through a node with the embedded broker', () => {
  let fixture: NodeFixture;
  beforeAll(async () => {
    fixture = await startTestNode();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('publishes STATE, ingests births and alias-only data, asks for a rebirth on an unknown alias, and marks tags stale on death', async () => {
    const url = `mqtt://127.0.0.1:${fixture.mqttPort}`;
    const state = await mosquittoSub(fixture.mqttPort, 'spBv1.0/STATE/shopfloor', 1);
    expect(state[0]).toMatch(/^spBv1\.0\/STATE\/shopfloor \{"online":true,"timestamp":\d+\}$/);

    const commands: string[] = [];
    const observer = await mqtt.connectAsync(url, { clientId: 'ncmd-observer' });
    await observer.subscribeAsync('spBv1.0/plant1/NCMD/#');
    observer.on('message', (topic, payload) =>
      commands.push(`${topic} ${JSON.stringify(codec.decodePayload(payload).metrics?.map((metric) => [metric.name, metric.value]))}`),
    );

    const edge = await mqtt.connectAsync(url, {
      clientId: 'edge-gw1',
      will: {
        topic: 'spBv1.0/plant1/NDEATH/gw1',
        payload: encode({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: 3 }] }),
        qos: 1,
        retain: false,
      },
    });
    const ts = Date.now() - 1_000;
    await edge.publishAsync(
      'spBv1.0/plant1/NBIRTH/gw1',
      encode({
        timestamp: ts,
        seq: 0,
        metrics: [
          { name: 'bdSeq', type: 'UInt64', value: 3 },
          { name: 'uptime', alias: 1, type: 'Int32', value: 5, timestamp: ts },
        ],
      }),
    );
    await edge.publishAsync(
      'spBv1.0/plant1/DBIRTH/gw1/press4',
      encode({
        timestamp: ts,
        seq: 1,
        metrics: [
          { name: 'hydraulics/pressure', alias: 10, type: 'Double', value: 181.5, timestamp: ts },
          { name: 'running', alias: 11, type: 'Boolean', value: true, timestamp: ts },
        ],
      }),
    );
    await edge.publishAsync(
      'spBv1.0/plant1/DDATA/gw1/press4',
      encodeRaw({ timestamp: ts + 500, seq: 2, metrics: [{ alias: 10, doubleValue: 183.25, timestamp: ts + 500 }] }),
    );

    const latest = await fixture.api.until<LatestBody>('/api/v1/latest?filter=plant1/gw1/%23', (body) => body.points.some((point) => point.value === 183.25));
    expect(latest.points.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual([
      { tag: 'plant1/gw1/press4/hydraulics/pressure', ts: ts + 500, value: 183.25, quality: 'good' },
      { tag: 'plant1/gw1/press4/running', ts, value: true, quality: 'good' },
      { tag: 'plant1/gw1/uptime', ts, value: 5, quality: 'good' },
    ]);

    await edge.publishAsync(
      'spBv1.0/plant1/DDATA/gw1/press4',
      encode({ timestamp: ts + 600, seq: 3, metrics: [{ alias: 99, type: 'Double', value: 1, timestamp: ts + 600 }] }),
    );
    const deadline = Date.now() + 5_000;
    while (commands.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(commands).toEqual(['spBv1.0/plant1/NCMD/gw1 [["Node Control/Rebirth",true]]']);
    const ingest = await fixture.api.get<{ rejectedByReason: Record<string, number> }>('/api/v1/ingest');
    expect(ingest.body.rejectedByReason['unknown-alias']).toBe(1);

    // The edge node's connection drops: its Will (NDEATH with the session's bdSeq) marks every tag stale.
    edge.stream.destroy();
    const stale = await fixture.api.until<LatestBody>(
      '/api/v1/latest?filter=plant1/gw1/%23',
      (body) => body.points.length === 3 && body.points.every((point) => point.quality === 'bad'),
    );
    expect(stale.points.map((point) => [point.tag, point.value, point.quality]).sort()).toEqual([
      ['plant1/gw1/press4/hydraulics/pressure', 183.25, 'bad'],
      ['plant1/gw1/press4/running', true, 'bad'],
      ['plant1/gw1/uptime', 5, 'bad'],
    ]);
    await observer.endAsync();
  });
});
