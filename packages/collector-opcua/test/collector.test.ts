import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import { startOpcUaServer, type OpcUaServer } from '@shopfloor/simulator-opcua';
import { createCapturingLogger, freePort } from '@shopfloor/testkit';
import { startOpcUaCollector, type OpcUaCollector, type OpcUaServerConfig } from '../src/index.ts';
import { eventually, recordingPipeline } from './recording-store.ts';

// The collector against the simulator's OPC UA server (one server for the file): values by NodeId
// and by browse path, browsing a folder, deadbands, and errors that name what is wrong.
const conveyor = 'acme/plant1/machining/line1/infeed/conveyor-1';
const browsePathOf = (path: string) =>
  `/Objects/${path
    .split('/')
    .map((segment) => `1:${segment}`)
    .join('/')}`;
let plant: Plant;
let server: OpcUaServer;
const collectors: OpcUaCollector[] = [];

beforeAll(async () => {
  plant = createPlant(defaultPlantDescription());
  plant.advance(plant.now + 10_000);
  server = await startOpcUaServer(plant, { port: 0, host: '127.0.0.1', publishingIntervalMs: 20 }, { logger: createSilentLogger() });
}, 30_000);

afterAll(async () => {
  await Promise.all(collectors.map((collector) => collector.close()));
  await server.close();
  // Closing left no socket or timer behind (STYLE.md §11).
  const lingering = () =>
    process.getActiveResourcesInfo().filter((kind) => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'FSEventWrap', 'StatWatcher'].includes(kind));
  await eventually(() => lingering().length === 0, 'sockets, timers and watchers to close', 5_000).catch(() => expect(lingering()).toEqual([]));
});

function serverConfig(overrides: Partial<OpcUaServerConfig>): OpcUaServerConfig {
  return { id: 'sim', endpointUrl: server.endpointUrl, publishingIntervalMs: 50, ...overrides };
}

async function start(servers: OpcUaServerConfig[], logger = createCapturingLogger()) {
  const recording = recordingPipeline(logger);
  const collector = await startOpcUaCollector({ id: 'opc-ua', servers }, { pipeline: recording.pipeline, logger });
  collectors.push(collector);
  return { ...recording, collector, logger };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

const indexOf = (path: string) => plant.tags.findIndex((tag) => tag.path === path);

describe('OPC UA collector against the simulator', () => {
  it('delivers the values of items bound by NodeId and by browse path, and follows the plant as it advances', async () => {
    const tags = ['belt-speed', 'motor-speed', 'running', 'state'].map((name) => `${conveyor}/${name}`);
    const { store, registered, collector } = await start([
      serverConfig({
        items: [
          { path: 'edge/conveyor-1/belt-speed', nodeId: `ns=1;s=${tags[0]}`, samplingIntervalMs: 20 },
          { path: 'edge/conveyor-1/motor-speed', browsePath: browsePathOf(tags[1]!), samplingIntervalMs: 20 },
          { path: 'edge/conveyor-1/running', nodeId: `ns=1;s=${tags[2]}`, samplingIntervalMs: 20 },
          { path: 'edge/conveyor-1/state', browsePath: browsePathOf(tags[3]!), samplingIntervalMs: 20 },
        ],
      }),
    ]);
    // A monitored item reports changes of value or status (DataChangeTrigger StatusValue), so an
    // unchanged value keeps the timestamp of its last change.
    const expected = () => tags.map((tag) => ({ tag: `edge/conveyor-1/${tag.split('/').at(-1)!}`, value: plant.value(tag), quality: 'good' as const }));
    const arrived = () => expected().map(({ tag }) => store.last(tag) && { tag, value: store.last(tag)?.value, quality: store.last(tag)?.quality });
    await eventually(() => JSON.stringify(arrived()) === JSON.stringify(expected()), 'the current values');
    expect(store.last('edge/conveyor-1/belt-speed')?.ts).toBe(plant.timestampAt(indexOf(tags[0]!)));
    expect(typeof store.last('edge/conveyor-1/running')?.value).toBe('boolean');
    expect(typeof store.last('edge/conveyor-1/state')?.value).toBe('string');

    const before = plant.value(tags[1]!);
    plant.advance(plant.now + 5_000);
    expect(plant.value(tags[1]!)).not.toBe(before);
    await eventually(() => JSON.stringify(arrived()) === JSON.stringify(expected()), 'the values after the plant advanced');
    expect(store.last('edge/conveyor-1/motor-speed')).toEqual({
      tag: 'edge/conveyor-1/motor-speed',
      ts: plant.timestampAt(indexOf(tags[1]!)),
      value: plant.value(tags[1]!),
      quality: 'good',
    });

    expect(collector.bindings().map((binding) => binding.nodeId)).toEqual(tags.map((tag) => `ns=1;s=${tag}`));
    expect(registered.map((tag) => [tag.path, tag.source])).toEqual(
      expect.arrayContaining([
        ['edge/conveyor-1/belt-speed', { protocol: 'opc-ua', address: `${server.endpointUrl}#ns=1;s=${tags[0]}` }],
        ['edge/conveyor-1/state', { protocol: 'opc-ua', address: `${server.endpointUrl}#ns=1;s=${tags[3]}` }],
      ]),
    );
    const health = collector.health();
    expect(health).toMatchObject({ id: 'opc-ua', kind: 'opc-ua', connected: true, errors: 0 });
    expect(health.devices).toEqual([{ id: 'sim', connected: true, errors: 0, connects: 1, lastGoodReadAt: expect.any(Number) }]);
  });

  it('binds every variable below a browse root to tagPrefix plus the browse names', async () => {
    const infeed = 'acme/plant1/machining/line1/infeed';
    const utilities = 'acme/plant1/forming/line2/utilities';
    const { store, collector } = await start([
      serverConfig({
        browse: [
          { root: `ns=1;s=${infeed}`, tagPrefix: 'site-a/infeed', samplingIntervalMs: 100 },
          { root: browsePathOf(utilities), tagPrefix: utilities, samplingIntervalMs: 100 },
        ],
      }),
    ]);
    const underInfeed = plant.tags.filter((tag) => tag.path.startsWith(`${infeed}/`));
    const underUtilities = plant.tags.filter((tag) => tag.path.startsWith(`${utilities}/`));
    const expected = [
      ...underInfeed.map((tag) => ({ tag: `site-a/infeed/${tag.path.slice(infeed.length + 1)}`, nodeId: `ns=1;s=${tag.path}` })),
      ...underUtilities.map((tag) => ({ tag: tag.path, nodeId: `ns=1;s=${tag.path}` })),
    ];
    expect(underInfeed.length).toBeGreaterThan(10);
    expect(underUtilities.length).toBeGreaterThan(50);
    const bound = collector.bindings().map(({ tag, nodeId }) => ({ tag, nodeId }));
    expect(bound.sort((a, b) => a.tag.localeCompare(b.tag))).toEqual(expected.sort((a, b) => a.tag.localeCompare(b.tag)));
    expect(collector.problems()).toEqual([]);
    await eventually(() => expected.every(({ tag }) => store.last(tag)?.quality === 'good'), 'a value of every browsed tag');
    const sample = underUtilities[0]!;
    expect(store.last(sample.path)?.value).toBe(plant.value(sample.path));
  });

  it('applies deadbands: an absolute band suppresses smaller changes; a percent band without EURange falls back with a warning', async () => {
    const setpoint = `${conveyor}/speed-setpoint`;
    plant.write(setpoint, 0.5);
    const { store, logger } = await start([
      serverConfig({
        items: [
          { path: 'edge/setpoint/all', nodeId: `ns=1;s=${setpoint}`, samplingIntervalMs: 20 },
          { path: 'edge/setpoint/banded', nodeId: `ns=1;s=${setpoint}`, samplingIntervalMs: 20, deadband: { type: 'absolute', value: 0.2 } },
          { path: 'edge/belt-speed', nodeId: `ns=1;s=${conveyor}/belt-speed`, deadband: { type: 'percent', value: 5 } },
          { path: 'edge/energy', nodeId: `ns=1;s=${conveyor}/energy`, deadband: { type: 'percent', value: 5 } },
        ],
      }),
    ]);
    const values = (tag: string) => store.of(tag).map((point) => point.value);
    await eventually(() => values('edge/setpoint/all').length === 1 && values('edge/setpoint/banded').length === 1, 'the first setpoint values');
    for (const value of [0.55, 0.6, 0.8]) {
      plant.write(setpoint, value);
      await eventually(() => values('edge/setpoint/all').at(-1) === value, `setpoint ${value} to arrive`);
    }
    await eventually(() => values('edge/setpoint/banded').at(-1) === 0.8, 'the change beyond the band');
    expect(values('edge/setpoint/all')).toEqual([0.5, 0.55, 0.6, 0.8]);
    expect(values('edge/setpoint/banded')).toEqual([0.5, 0.8]);

    await eventually(() => store.last('edge/energy') !== undefined && store.last('edge/belt-speed') !== undefined, 'energy and belt speed');
    const warnings = logger.entries.filter((entry) => entry.message.startsWith('OPC UA deadband refused'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.meta).toMatchObject({ count: 1, items: `edge/energy (ns=1;s=${conveyor}/energy): BadMonitoredItemFilterUnsupported` });
  });

  it('maps the status of a value to its quality: a machine whose link drops is bad with its last value, then good again', async () => {
    const spindle = 'acme/plant1/machining/line1/turning/cnc-1/spindle-speed';
    const { store } = await start([serverConfig({ items: [{ path: 'edge/cnc-1/spindle-speed', nodeId: `ns=1;s=${spindle}`, samplingIntervalMs: 20 }] })]);
    await eventually(() => store.last('edge/cnc-1/spindle-speed')?.quality === 'good', 'a good value');
    const fault = plant.injectFault('cnc-1', 'dropped-link');
    await eventually(() => store.last('edge/cnc-1/spindle-speed')?.quality === 'bad', 'the bad status');
    expect(store.last('edge/cnc-1/spindle-speed')?.value).toBe(plant.value(spindle));
    plant.clearFault(fault.id);
    plant.advance(plant.now + 2_000);
    await eventually(() => store.last('edge/cnc-1/spindle-speed')?.quality === 'good', 'good again');
  });

  it('refuses to start when a configured browse path, NodeId or browse root is not on the server, naming each', async () => {
    const logger = createCapturingLogger();
    const { pipeline } = recordingPipeline(logger);
    const attempt = startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [
          serverConfig({
            items: [
              { path: 'edge/ok', nodeId: `ns=1;s=${conveyor}/belt-speed` },
              { path: 'edge/missing-path', browsePath: `/Objects/1:acme/1:plant1/1:no-such-area` },
              { path: 'edge/missing-node', nodeId: 'ns=1;s=acme/no/such/tag' },
            ],
            browse: [{ root: 'ns=1;s=acme/plant9', tagPrefix: 'edge/plant9' }],
          }),
        ],
      },
      { pipeline, logger },
    );
    const error = await failureOf(attempt);
    expect(error).toMatchObject({ name: 'InputError', code: 'SF_CONFIG_INVALID' });
    expect(error.message.split('\n')).toEqual([
      'OPC UA collector "opc-ua": configured nodes were not found on the server:',
      'servers[0].items[1]: browse path "/Objects/1:acme/1:plant1/1:no-such-area" was not found on the server (BadNoMatch)',
      'servers[0].browse[0]: browse root "ns=1;s=acme/plant9" was not found on the server (BadNodeIdUnknown)',
      'servers[0].items[2]: node ns=1;s=acme/no/such/tag (tag "edge/missing-node") is not a variable on the server (BadNodeIdUnknown)',
    ]);
  });

  it('refuses an invalid configuration, naming the key path of every problem', async () => {
    const { pipeline } = recordingPipeline(createSilentLogger());
    const attempt = startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [
          {
            id: 'a',
            endpointUrl: 'http://plc-1:4840',
            items: [{ path: 'edge/x', nodeId: 'ns=1;s=x', browsePath: '/Objects/1:x' }],
          },
          {
            id: 'a',
            endpointUrl: 'opc.tcp://plc-2:4840',
            backoff: { initialMs: 5_000, maxMs: 1_000 },
            items: [{ path: 'edge/x', nodeId: 'not a node id' }, { path: 'edge' }],
            browse: [{ root: '/Objects/1:a<b', tagPrefix: 'edge/b', deadband: { type: 'percent', value: 150 } }],
          },
        ],
      },
      { pipeline, logger: createSilentLogger() },
    );
    const schemaError = await failureOf(attempt);
    expect(schemaError).toMatchObject({ name: 'InputError', code: 'SF_CONFIG_INVALID' });
    expect(schemaError.message).toContain('opc-ua collector: servers[0].endpointUrl: expected');
    const semantic = startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [
          { id: 'a', endpointUrl: 'opc.tcp://plc-1:4840', items: [{ path: 'edge/x', nodeId: 'ns=1;s=x', browsePath: '/Objects/1:x' }] },
          {
            id: 'a',
            endpointUrl: 'opc.tcp://plc-2:4840',
            backoff: { initialMs: 5_000, maxMs: 1_000 },
            items: [{ path: 'edge/x', nodeId: 'not a node id' }, { path: 'edge' }],
            browse: [{ root: '/Objects/1:a<b', tagPrefix: 'edge/b', deadband: { type: 'percent', value: 150 } }],
          },
        ],
      },
      { pipeline, logger: createSilentLogger() },
    );
    expect((await failureOf(semantic)).message.split('\n')).toEqual([
      'OPC UA collector configuration is invalid:',
      'opc-ua collector: servers[0].items[0]: give either nodeId or browsePath, not both',
      'opc-ua collector: servers[1].id: "a" is the id of servers[0] too',
      'opc-ua collector: servers[1].backoff: initialMs 5000 is larger than maxMs 1000',
      'opc-ua collector: servers[1].items[0].path: tag "edge/x" is the target of servers[0].items[0].path too',
      'opc-ua collector: servers[1].items[0].nodeId: "not a node id" is not a NodeId (expected e.g. ns=1;s=acme/plant1/line1, ns=2;i=1042 or i=85)',
      'opc-ua collector: servers[1].items[1].path: tag path "edge" has 1 segment (at least 2, e.g. "line1/temperature")',
      'opc-ua collector: servers[1].items[1]: give nodeId or browsePath',
      `opc-ua collector: servers[1].browse[0].root: browse path "/Objects/1:a<b" does not parse: Malformed relative path  :'<b' in /Objects/1:a<b (expected e.g. /Objects/2:Acme/2:Plant1)`,
      'opc-ua collector: servers[1].browse[0].deadband.value: a percent deadband is 0–100, found 150',
    ]);
  });

  it('starts with an unreachable endpoint: health says why, attempts repeat with back-off, close is prompt', async () => {
    const port = await freePort();
    const endpointUrl = `opc.tcp://127.0.0.1:${port}`;
    const { collector, logger } = await start([
      { id: 'gone', endpointUrl, backoff: { initialMs: 50, maxMs: 200 }, items: [{ path: 'edge/x', nodeId: 'ns=1;s=x' }] },
    ]);
    const device = () => collector.health().devices[0]!;
    expect(device()).toMatchObject({ id: 'gone', connected: false, connects: 0, errors: 1, nextAttemptAt: expect.any(Number) });
    expect(device().lastError).toContain(`connecting to ${endpointUrl} failed:`);
    await eventually(() => device().errors >= 4, 'three more attempts');
    expect(logger.entries.filter((entry) => entry.message === 'OPC UA connection attempt failed').length).toBe(device().errors);
    const closing = performance.now();
    await collector.close();
    expect(performance.now() - closing).toBeLessThan(1_000);
    expect(collector.health().devices[0]).toMatchObject({ connected: false });
    expect(collector.health().devices[0]?.nextAttemptAt).toBeUndefined();
  });
});
