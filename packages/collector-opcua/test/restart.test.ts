import { afterAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, multiSitePlant } from '@shopfloor/simulator';
import { startOpcUaServer, type OpcUaServer } from '@shopfloor/simulator-opcua';
import { createCapturingLogger, freePort } from '@shopfloor/testkit';
import { startOpcUaCollector, type OpcUaCollector } from '../src/index.ts';
import { eventually, recordingPipeline } from './recording-store.ts';

// A server restart: the old server process is gone with its sessions and subscriptions; a new one
// listens on the same port. The collector marks the tags bad once, backs off, and builds a new
// session, subscription and monitored items (browse paths and roots resolved again).
const conveyor = 'acme/plant1/machining/line1/infeed/conveyor-1';
const plant = createPlant(defaultPlantDescription());
plant.advance(plant.now + 10_000);
let server: OpcUaServer | undefined;
let collector: OpcUaCollector | undefined;

afterAll(async () => {
  await collector?.close();
  await server?.close();
});

describe('OPC UA server restart', () => {
  it('marks the tags bad once when the server stops, and resubscribes to a new server on the same port', async () => {
    const port = await freePort();
    const startServer = () => startOpcUaServer(plant, { port, host: '127.0.0.1', publishingIntervalMs: 50 }, { logger: createSilentLogger() });
    server = await startServer();
    const logger = createCapturingLogger();
    const { pipeline, store } = recordingPipeline(logger);
    collector = await startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [
          {
            id: 'sim',
            endpointUrl: server.endpointUrl,
            publishingIntervalMs: 50,
            timeoutMs: 2_000,
            backoff: { initialMs: 100, maxMs: 1_000 },
            items: [
              { path: 'edge/belt-speed', nodeId: `ns=1;s=${conveyor}/belt-speed`, samplingIntervalMs: 50 },
              { path: 'edge/running', browsePath: `/Objects/${conveyor.replace(/([^/]+)/g, '1:$1')}/1:running`, samplingIntervalMs: 50 },
            ],
            browse: [{ root: 'ns=1;s=acme/plant1/forming/line2/utilities/cooling-pump', tagPrefix: 'edge/cooling-pump', samplingIntervalMs: 50 }],
          },
        ],
      },
      { pipeline, logger },
    );
    const tags = collector.bindings().map((binding) => binding.tag);
    expect(tags.length).toBeGreaterThan(30);
    const device = () => collector!.health().devices[0]!;
    const badOf = (tag: string) => store.of(tag).filter((point) => point.quality === 'bad');
    await eventually(() => tags.every((tag) => store.last(tag)?.quality === 'good'), 'a good value of every tag');
    const lastGood = new Map(tags.map((tag) => [tag, store.last(tag)!]));

    await server.close();
    await eventually(() => !device().connected, 'the collector to see the server gone');
    await eventually(() => tags.every((tag) => badOf(tag).length === 1), 'one bad point per tag');
    expect(device().lastError).toMatch(/^connection to opc\.tcp:\/\/127\.0\.0\.1:\d+ lost: /);
    // Later failed attempts do not mark the tags again.
    const errorsAtLoss = device().errors;
    await eventually(() => device().errors >= errorsAtLoss + 2, 'two failed reconnection attempts');
    expect(device().lastError).toContain('failed');
    expect(device().nextAttemptAt).toEqual(expect.any(Number));
    for (const tag of tags) {
      expect(store.of(tag).filter((point) => point.quality === 'bad')).toHaveLength(1);
      // The bad mark carries the last value and comes after it.
      const bad = badOf(tag)[0]!;
      expect(bad.value).toBe(lastGood.get(tag)!.value);
      expect(bad.ts).toBeGreaterThan(lastGood.get(tag)!.ts);
    }

    const pointsBefore = store.points.length;
    plant.advance(plant.now + 5_000);
    server = await startServer();
    const restartedAt = performance.now();
    await eventually(() => tags.every((tag) => store.last(tag)?.quality === 'good'), 'good values from the new server', 8_000);
    const resubscribedMs = performance.now() - restartedAt;
    // The back-off is at most 1 s (+20 % jitter); connecting and subscribing take a few requests.
    expect(resubscribedMs).toBeLessThan(3_000);
    expect(store.points.length).toBeGreaterThan(pointsBefore);
    expect(device()).toMatchObject({ connected: true, connects: 2 });
    expect(store.last('edge/belt-speed')?.value).toBe(plant.value(`${conveyor}/belt-speed`));
    expect(collector.bindings().map((binding) => binding.tag)).toEqual(tags);
    expect(logger.entries.filter((entry) => entry.message === 'OPC UA server subscribed')).toHaveLength(2);

    // And it keeps following the plant.
    plant.advance(plant.now + 5_000);
    await eventually(() => store.last('edge/belt-speed')?.value === plant.value(`${conveyor}/belt-speed`), 'the next value');

    const closing = performance.now();
    await collector.close();
    expect(performance.now() - closing).toBeLessThan(2_000);
    expect(device().connected).toBe(false);
  });

  it('resolves browse paths and roots again on every reconnection: nodes that went away are reported, nodes that came back are bound', async () => {
    const port = await freePort();
    const twoSites = createPlant(multiSitePlant(2));
    const startServer = (served: typeof plant) =>
      startOpcUaServer(served, { port, host: '127.0.0.1', publishingIntervalMs: 50 }, { logger: createSilentLogger() });
    let current = await startServer(twoSites);
    const logger = createCapturingLogger();
    const { pipeline, store } = recordingPipeline(logger);
    const pump = 'forming/line2/utilities/cooling-pump';
    const other = await startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [
          {
            id: 'sim',
            endpointUrl: current.endpointUrl,
            publishingIntervalMs: 50,
            backoff: { initialMs: 100, maxMs: 500 },
            items: [
              { path: 'edge/p1/belt-speed', nodeId: `ns=1;s=${conveyor}/belt-speed` },
              { path: 'edge/p2/belt-speed', browsePath: `/Objects/1:acme/1:plant2/1:machining/1:line1/1:infeed/1:conveyor-1/1:belt-speed` },
            ],
            browse: [{ root: `ns=1;s=acme/plant2/${pump}`, tagPrefix: 'edge/p2-pump' }],
          },
        ],
      },
      { pipeline, logger },
    );
    try {
      const device = () => other.health().devices[0]!;
      const pumpTags = twoSites.tags.filter((tag) => tag.path.startsWith(`acme/plant2/${pump}/`)).length;
      expect(other.bindings()).toHaveLength(2 + pumpTags);

      // The same port, a plant with one site: plant2's nodes are gone.
      await current.close();
      await eventually(() => !device().connected, 'the loss');
      current = await startServer(plant);
      await eventually(() => device().connected, 'the reconnection');
      expect(other.bindings().map((binding) => binding.tag)).toEqual(['edge/p1/belt-speed']);
      expect(device().lastError).toBe(
        'servers[0].items[1]: browse path "/Objects/1:acme/1:plant2/1:machining/1:line1/1:infeed/1:conveyor-1/1:belt-speed" was not found on the server (BadNoMatch); ' +
          `servers[0].browse[0]: browse root "ns=1;s=acme/plant2/${pump}" was not found on the server (BadNodeIdUnknown)`,
      );
      expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
        'OPC UA nodes in the configuration were not found on the server',
      ]);
      await eventually(() => store.last('edge/p1/belt-speed')?.quality === 'good', 'plant1 values from the new server');
      expect(store.last('edge/p2/belt-speed')?.quality).toBe('bad');

      // Two sites again: everything is bound again.
      await current.close();
      await eventually(() => !device().connected, 'the second loss');
      current = await startServer(twoSites);
      await eventually(() => device().connected, 'the second reconnection');
      expect(other.bindings()).toHaveLength(2 + pumpTags);
      await eventually(() => store.last('edge/p2/belt-speed')?.quality === 'good', 'plant2 values again');
      expect(device().connects).toBe(3);
    } finally {
      await other.close();
      await current.close();
    }
  });

  it('closes promptly while the server is gone', async () => {
    const port = await freePort();
    const local = await startOpcUaServer(plant, { port, host: '127.0.0.1', publishingIntervalMs: 50 }, { logger: createSilentLogger() });
    const { pipeline } = recordingPipeline(createSilentLogger());
    const gone = await startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [{ id: 'sim', endpointUrl: local.endpointUrl, timeoutMs: 2_000, items: [{ path: 'edge/energy', nodeId: `ns=1;s=${conveyor}/energy` }] }],
      },
      { pipeline, logger: createSilentLogger() },
    );
    expect(gone.health().connected).toBe(true);
    await local.close();
    const closing = performance.now();
    await gone.close();
    expect(performance.now() - closing).toBeLessThan(2_500);
  });
});
