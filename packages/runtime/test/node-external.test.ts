import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { mosquittoPub, mosquittoSub, startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import { startTestNode, type NodeFixture } from './node-fixture.ts';

const codec = sparkplug.get('spBv1.0')!;
const encode = (payload: UPayload) => Buffer.from(codec.encodePayload(payload));

interface LatestBody {
  points: { tag: string; ts: number; value: unknown; quality: string }[];
}

describe('a hub node ingesting from Mosquitto', () => {
  let mosquitto: MosquittoServer;
  let fixture: NodeFixture;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
    fixture = await startTestNode((config) => ({
      ...config,
      mqtt: {
        ...config.mqtt,
        broker: { external: { url: mosquitto.url, clientId: 'hub-external-test' } },
        ingest: { ...config.mqtt.ingest, sparkplug: { ...config.mqtt.ingest.sparkplug, hostId: 'hub1', tagPrefix: 'acme/plant2' } },
      },
    }));
  });
  afterAll(async () => {
    await fixture.close();
    await mosquitto.close();
  });

  it('stores JSON that mosquitto_pub publishes to Mosquitto, and refuses bad input there too', async () => {
    const ts = Date.now() - 2_000;
    await mosquittoPub(mosquitto.port, 'acme/plant2/paint/line1/cell1/oven1/zone1-temp', JSON.stringify({ value: 182.5, ts }));
    await mosquittoPub(mosquitto.port, 'acme/plant2/paint/line1/cell1/oven1/zone1-temp', '{"value": nope}');
    const latest = await fixture.api.until<LatestBody>('/api/v1/latest?tag=acme/plant2/paint/line1/cell1/oven1/zone1-temp', (body) => body.points.length === 1);
    expect(latest.points).toEqual([{ tag: 'acme/plant2/paint/line1/cell1/oven1/zone1-temp', ts, value: 182.5, quality: 'good' }]);
    await fixture.api.until<{ rejectedByReason: Record<string, number> }>('/api/v1/ingest', (body) => body.rejectedByReason['malformed-json'] === 1);
    const status = await fixture.api.get<{ mqtt: { mode: string; jsonSession: { status: string } } }>('/api/v1/status');
    expect([status.body.mqtt.mode, status.body.mqtt.jsonSession.status]).toEqual(['external', 'connected']);
  });

  it('acts as the Sparkplug primary host on Mosquitto: STATE retained, births and data under the tag prefix', async () => {
    const state = await mosquittoSub(mosquitto.port, 'spBv1.0/STATE/hub1', 1);
    expect(state[0]).toMatch(/^spBv1\.0\/STATE\/hub1 \{"online":true,"timestamp":\d+\}$/);
    const edge = await mqtt.connectAsync(mosquitto.url, { clientId: 'edge-plant2' });
    const ts = Date.now() - 1_000;
    await edge.publishAsync(
      'spBv1.0/welding/NBIRTH/cell7',
      encode({
        timestamp: ts,
        seq: 0,
        metrics: [
          { name: 'bdSeq', type: 'UInt64', value: 0 },
          { name: 'current', alias: 1, type: 'Float', value: 212.5, timestamp: ts },
        ],
      }),
    );
    const latest = await fixture.api.until<LatestBody>('/api/v1/latest?tag=acme/plant2/welding/cell7/current', (body) => body.points.length === 1);
    expect(latest.points).toEqual([{ tag: 'acme/plant2/welding/cell7/current', ts, value: 212.5, quality: 'good' }]);
    await edge.endAsync();
  });

  it('leaves STATE offline retained after a clean stop', async () => {
    await fixture.close();
    const state = await mosquittoSub(mosquitto.port, 'spBv1.0/STATE/hub1', 1);
    expect(state[0]).toMatch(/^spBv1\.0\/STATE\/hub1 \{"online":false,"timestamp":\d+\}$/);
  });
});
