import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription } from '@shopfloor/simulator';
import { startOpcUaServer, type OpcUaServer } from '@shopfloor/simulator-opcua';
import { startOpcUaCollector, type OpcUaCollector, type OpcUaServerConfig } from '../src/index.ts';
import { startFreezingProxy, type FreezingProxy } from './freezing-proxy.ts';
import { eventually, recordingPipeline } from './recording-store.ts';

// A link that goes silent without closing (a partition): no FIN, no RST, nothing. The collector
// notices through the subscription's keep-alives, marks the tags bad and reconnects when it can.
const conveyor = 'acme/plant1/machining/line1/infeed/conveyor-1';
const plant = createPlant(defaultPlantDescription());
plant.advance(plant.now + 10_000);
let server: OpcUaServer;
let proxy: FreezingProxy;
const collectors: OpcUaCollector[] = [];

beforeAll(async () => {
  server = await startOpcUaServer(plant, { port: 0, host: '127.0.0.1', publishingIntervalMs: 50 }, { logger: createSilentLogger() });
  proxy = await startFreezingProxy(server.port);
}, 30_000);

afterAll(async () => {
  await Promise.all(collectors.map((collector) => collector.close()));
  await proxy.close();
  await server.close();
});

// Keep-alive every 500 ms (timeoutMs / publishingIntervalMs = 5 publishing cycles): silent for 1.5 s counts as lost.
const serverConfig = (): OpcUaServerConfig => ({
  id: 'behind-proxy',
  endpointUrl: `opc.tcp://127.0.0.1:${proxy.port}`,
  publishingIntervalMs: 100,
  timeoutMs: 500,
  backoff: { initialMs: 100, maxMs: 400 },
  items: [
    { path: 'edge/belt-speed', nodeId: `ns=1;s=${conveyor}/belt-speed`, samplingIntervalMs: 50 },
    { path: 'edge/state', nodeId: `ns=1;s=${conveyor}/state`, samplingIntervalMs: 50 },
  ],
});

describe('OPC UA link that goes silent', () => {
  it('is declared lost after three silent keep-alive periods, marks the tags bad, and recovers when the link returns', async () => {
    const { pipeline, store } = recordingPipeline(createSilentLogger());
    const collector = await startOpcUaCollector({ id: 'opc-ua', servers: [serverConfig()] }, { pipeline, logger: createSilentLogger() });
    collectors.push(collector);
    const device = () => collector.health().devices[0]!;
    await eventually(() => store.last('edge/belt-speed')?.quality === 'good' && store.last('edge/state')?.quality === 'good', 'good values');

    proxy.freeze();
    const frozenAt = performance.now();
    await eventually(() => !device().connected, 'the silence to be noticed', 5_000);
    const noticedMs = performance.now() - frozenAt;
    expect(noticedMs).toBeGreaterThan(900);
    expect(noticedMs).toBeLessThan(3_000);
    expect(device().lastError).toMatch(/lost: no notification or keep-alive for \d+ ms \(limit 1500 ms\)$/);
    // The bad marks are submitted as the loss is declared and stored a moment later.
    await eventually(() => store.last('edge/belt-speed')?.quality === 'bad' && store.last('edge/state')?.quality === 'bad', 'the bad marks');
    expect(store.last('edge/belt-speed')).toMatchObject({ quality: 'bad', value: plant.value(`${conveyor}/belt-speed`) });
    expect(store.last('edge/state')).toMatchObject({ quality: 'bad', value: plant.value(`${conveyor}/state`) });
    // Attempts through the frozen link time out (timeoutMs) and back off.
    const errors = device().errors;
    await eventually(() => device().errors >= errors + 2, 'attempts that time out', 5_000);
    expect(device().lastError).toContain('no answer within 500 ms');

    proxy.thaw();
    plant.advance(plant.now + 5_000);
    await eventually(
      () => store.last('edge/belt-speed')?.quality === 'good' && store.last('edge/belt-speed')?.value === plant.value(`${conveyor}/belt-speed`),
      'values after the link returns',
      5_000,
    );
    expect(device()).toMatchObject({ connected: true, connects: 2 });
  });

  it('closes within its bounds while the link is silent', async () => {
    proxy.thaw();
    const { pipeline } = recordingPipeline(createSilentLogger());
    const collector = await startOpcUaCollector({ id: 'opc-ua', servers: [serverConfig()] }, { pipeline, logger: createSilentLogger() });
    expect(collector.health().connected).toBe(true);
    proxy.freeze();
    const closing = performance.now();
    await collector.close();
    // Delete the subscription, close the session, disconnect: at most timeoutMs in all.
    expect(performance.now() - closing).toBeLessThan(500 + 500);
    proxy.thaw();
  });
});
