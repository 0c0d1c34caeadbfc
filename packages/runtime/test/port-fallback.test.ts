import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger, freePort, mosquittoPub } from '@shopfloor/testkit';
import { startTestNode } from './node-fixture.ts';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('ports that are already taken', () => {
  const blockers: Server[] = [];
  let mqttPort = 0;
  let apiPort = 0;
  beforeAll(async () => {
    mqttPort = await freePort();
    apiPort = await freePort();
    blockers.push(await occupy(mqttPort), await occupy(apiPort));
  });
  afterAll(async () => {
    await Promise.all(blockers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('the node says so, uses free ports instead, and works on them', async () => {
    const logger = createCapturingLogger();
    const fixture = await startTestNode(
      (config) => ({ ...config, mqtt: { ...config.mqtt, broker: { embedded: { host: '127.0.0.1', port: mqttPort } } }, api: { ...config.api, port: apiPort } }),
      undefined,
      logger,
    );
    try {
      expect(fixture.mqttPort).not.toBe(mqttPort);
      expect(fixture.node.apiPort).not.toBe(apiPort);
      const warnings = logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message);
      expect(warnings).toContain(
        `MQTT port ${mqttPort} is already in use (a local Mosquitto?); the embedded broker listens on 127.0.0.1:${fixture.mqttPort} instead`,
      );
      expect(warnings).toContain(`HTTP port ${apiPort} is already in use; the API listens on a free port instead (set api.port to choose one)`);
      await mosquittoPub(fixture.mqttPort, 'acme/plant1/ports/x', '1');
      await fixture.api.until<{ points: unknown[] }>('/api/v1/latest?tag=acme/plant1/ports/x', (body) => body.points.length === 1);
    } finally {
      await fixture.close();
    }
  });
});
