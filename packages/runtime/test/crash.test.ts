import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { freePort, startMosquitto, testApi, type MosquittoServer } from '@shopfloor/testkit';
import { killChildNodes, startChildNode, writeConfig } from './child-node.ts';

const tags = 10;
const perTag = 1_500;

interface IngestBody {
  stored: number;
}

async function countStored(api: ReturnType<typeof testApi>, tag: string, from: number): Promise<{ ts: number; value: number }[]> {
  const { body } = await api.get<{ points: { ts: number; value: number }[] }>(`/api/v1/history?tag=${tag}&from=${from}&to=${from + 10_000_000}&limit=100000`);
  return body.points;
}

describe('kill -9 during a QoS 1 stream', () => {
  let mosquitto: MosquittoServer;
  let dir: string;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'sf-crash-'));
  });
  afterAll(async () => {
    killChildNodes();
    await mosquitto.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('through Mosquitto: after a restart every published point is stored exactly once', async () => {
    const apiPort = await freePort();
    const dataDir = join(dir, 'external');
    const config = writeConfig(dir, {
      node: { id: 'crash', dataDir },
      log: { level: 'warn' },
      mqtt: {
        broker: { external: { url: mosquitto.url, clientId: 'shopfloor-crash-test' } },
        ingest: { sparkplug: { enabled: false, hostId: 'crash', groups: [], rebirthDebounceMs: 5000 } },
      },
      api: { port: apiPort },
      store: { checkpointSeconds: 1 },
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    let node = await startChildNode(config, apiUrl);
    const token = /Admin API token[^:]*: (\S+)/.exec(node.output())?.[1];
    expect(token).toMatch(/^sf_/);
    const api = testApi(apiUrl, token as string);

    const base = Date.now() - 3_600_000;
    const publisher = await mqtt.connectAsync(mosquitto.url, { clientId: 'crash-publisher', clean: true });
    const published: Promise<unknown>[] = [];
    for (let index = 0; index < perTag; index++) {
      for (let tag = 0; tag < tags; tag++) {
        published.push(
          publisher.publishAsync(`acme/crash/area/line/cell/m${tag}/value`, JSON.stringify({ ts: base + index * 1_000, value: index }), { qos: 1 }),
        );
      }
      if (index === 300) {
        // The node is mid-stream: kill it without warning.
        await api.until<IngestBody>('/api/v1/ingest', (body) => body.stored > 1_000, 15_000);
        await node.kill9();
      }
    }
    await Promise.all(published);
    await publisher.endAsync();

    node = await startChildNode(config, apiUrl);
    await api.until<IngestBody>('/api/v1/ingest', (body) => body.stored >= tags * perTag - 3_010, 30_000);
    for (let tag = 0; tag < tags; tag++) {
      const path = `acme/crash/area/line/cell/m${tag}/value`;
      const deadline = Date.now() + 20_000;
      let points = await countStored(api, path, base);
      while (points.length < perTag && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        points = await countStored(api, path, base);
      }
      expect({ tag: path, count: points.length, distinct: new Set(points.map((point) => point.ts)).size }).toEqual({
        tag: path,
        count: perTag,
        distinct: perTag,
      });
      expect(points.every((point) => point.value === (point.ts - base) / 1_000)).toBe(true);
    }
    expect(await node.stop()).toBe(0);
  }, 120_000);

  it('embedded broker: every publish the node acknowledged is in the store after kill -9', async () => {
    const apiPort = await freePort();
    const mqttPort = await freePort();
    const dataDir = join(dir, 'embedded');
    const config = writeConfig(dir, {
      node: { id: 'crash-embedded', dataDir },
      log: { level: 'warn' },
      mqtt: { broker: { embedded: { host: '127.0.0.1', port: mqttPort } } },
      api: { port: apiPort },
      store: { checkpointSeconds: 1 },
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    let node = await startChildNode(config, apiUrl);
    const token = /Admin API token[^:]*: (\S+)/.exec(node.output())?.[1] as string;
    const api = testApi(apiUrl, token);
    const base = Date.now() - 3_600_000;
    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'embedded-publisher', reconnectPeriod: 0 });
    publisher.on('error', () => undefined);
    const acknowledged: number[] = [];
    let sent = 0;
    const pump = setInterval(() => {
      for (let burst = 0; burst < 200; burst++) {
        const index = sent++;
        publisher.publish('acme/crash/area/line/cell/emb/value', JSON.stringify({ ts: base + index, value: index }), { qos: 1 }, (error) => {
          if (error === undefined || error === null) acknowledged.push(index);
        });
      }
    }, 5);
    const deadline = Date.now() + 15_000;
    while (acknowledged.length < 2_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await node.kill9();
    clearInterval(pump);
    publisher.end(true);
    const acknowledgedAtKill = [...acknowledged];
    expect(acknowledgedAtKill.length).toBeGreaterThanOrEqual(2_000);

    node = await startChildNode(config, apiUrl);
    const { body } = await api.get<{ points: { ts: number; value: number }[] }>(
      `/api/v1/history?tag=acme/crash/area/line/cell/emb/value&from=${base}&to=${base + 10_000_000}&limit=1000000`,
    );
    const stored = new Set(body.points.map((point) => point.value));
    const lost = acknowledgedAtKill.filter((index) => !stored.has(index));
    expect({ acknowledged: acknowledgedAtKill.length, lost: lost.length, duplicates: body.points.length - stored.size }).toEqual({
      acknowledged: acknowledgedAtKill.length,
      lost: 0,
      duplicates: 0,
    });
    expect(await node.stop()).toBe(0);
  }, 120_000);
});
