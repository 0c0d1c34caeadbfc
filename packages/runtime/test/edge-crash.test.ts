import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startMosquitto } from '@shopfloor/testkit';
import { killChildNodes, startChildNode, writeConfig } from './child-node.ts';
import { reliabilityLine, startHub, startPublisher, storedPoints, until, type LinkSettings } from './edge-fixture.ts';

afterAll(() => killChildNodes());

const tags = Array.from({ length: 20 }, (_, index) => `acme/plant8/line1/cell1/m${index}/value`);

describe('an edge killed with kill -9 mid-stream', () => {
  it('loses nothing it acknowledged to its source: after a restart the outbox delivers it to the hub', async () => {
    const mosquitto = await startMosquitto();
    const link: LinkSettings = { transport: 'mqtt', hubUrl: mosquitto.url, edgeUrl: mosquitto.url, name: `crash/${process.pid}` };
    const hub = await startHub(link);
    const dir = mkdtempSync(join(tmpdir(), 'sf-edge-crash-'));
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    const configFile = writeConfig(dir, {
      node: { id: 'edge-crash', dataDir: join(dir, 'data') },
      log: { level: 'warn' },
      mqtt: { broker: { embedded: { host: '127.0.0.1', port: mqttPort } } },
      api: { port: apiPort },
      edge: {
        uplink: {
          enabled: true,
          transport: { mqtt: { url: mosquitto.url, topicPrefix: link.name, qos: 1 } },
          ackTimeoutMs: 2_000,
          reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5, stableAfterMs: 2_000 },
        },
      },
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    try {
      let edge = await startChildNode(configFile, apiUrl, 'edge');
      const publisher = await startPublisher(`mqtt://127.0.0.1:${mqttPort}`, tags, 2_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await edge.kill9();
      const ackedBeforeKill = publisher.log.acknowledged.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      edge = await startChildNode(configFile, apiUrl, 'edge');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await publisher.stop();
      expect(ackedBeforeKill).toBeGreaterThan(1_000);
      expect(publisher.log.acknowledged.length).toBeGreaterThan(ackedBeforeKill);
      const acked = new Set(publisher.log.acknowledged.map((point) => `${point.tag}\u0000${point.ts}`));
      await until(
        'every acknowledged point on the hub',
        async () => {
          let found = 0;
          for (const points of (await storedPoints(hub.node, tags)).values())
            for (const point of points) if (acked.has(`${point.tag}\u0000${point.ts}`)) found++;
          return found === acked.size;
        },
        30_000,
      );
      const report = reliabilityLine('source → edge (kill -9) → hub', publisher.log.attempted, publisher.log.acknowledged, await storedPoints(hub.node, tags), {
        duplicatedBefore: hub.node.hub?.receiver.stats().duplicatePoints ?? 0,
        delivered: hub.node.pipeline.stats.received,
      });
      console.log(report.line);
      expect([report.lost, report.unexpected, report.duplicatedAfter]).toEqual([0, 0, 0]);
      await edge.stop();
    } finally {
      killChildNodes();
      await hub.close();
      await mosquitto.close();
      hub.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
