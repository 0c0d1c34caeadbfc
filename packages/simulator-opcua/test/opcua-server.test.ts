import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import {
  AttributeIds,
  ClientSubscription,
  DataType,
  NodeClass,
  StatusCodes,
  TimestampsToReturn,
  Variant,
  type DataValue,
  type ClientSession,
} from 'node-opcua';
import { startOpcUaServer, type OpcUaServer } from '../src/index.ts';
import { connectClient, type TestClient } from './opcua-client.ts';

// node-opcua's client against the simulator's server: browse the hierarchy, read value, units and
// range, subscribe while the plant advances, write setpoints (good and refused), restart.
const conveyor = 'acme/plant1/machining/line1/infeed/conveyor-1';
let plant: Plant;
let server: OpcUaServer;
let client: TestClient;
let session: ClientSession;

beforeAll(async () => {
  plant = createPlant(defaultPlantDescription());
  plant.advance(plant.now + 60_000);
  server = await startOpcUaServer(plant, { port: 0, host: '127.0.0.1', publishingIntervalMs: 100 }, { logger: createSilentLogger() });
  client = await connectClient(server.endpointUrl);
  session = client.session;
}, 60_000);

afterAll(async () => {
  await client.close();
  await server.close();
  // Every socket, timer and watcher of the suite is gone (STYLE.md §11).
  const lingering = () =>
    process.getActiveResourcesInfo().filter((kind) => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'FSEventWrap', 'StatWatcher'].includes(kind));
  await eventually(() => lingering().length === 0, 'sockets, timers and watchers to close').catch(() => expect(lingering()).toEqual([]));
});

async function childNamed(nodeId: string, name: string): Promise<{ nodeId: string; nodeClass: number; typeDefinition: string }> {
  const result = await session.browse(nodeId);
  const reference = result.references?.find((candidate) => candidate.browseName.name === name);
  if (reference === undefined)
    throw new Error(`${nodeId} has no child "${name}": ${result.references?.map((candidate) => candidate.browseName.name).join(', ')}`);
  return { nodeId: reference.nodeId.toString(), nodeClass: reference.nodeClass, typeDefinition: reference.typeDefinition.toString() };
}

async function readValue(nodeId: string): Promise<DataValue> {
  return session.read({ nodeId, attributeId: AttributeIds.Value });
}

async function write(nodeId: string, variant: Variant): Promise<string> {
  const status = await session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } });
  return status.name;
}

describe('OPC UA server read by node-opcua', () => {
  it('starts on a port of its own with a readable endpoint', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.endpointUrl).toBe(`opc.tcp://127.0.0.1:${server.port}`);
    expect(server.namespaceIndex).toBe(1);
  });

  it('browses from Objects down the hierarchy to a tag, with readable NodeIds', async () => {
    let nodeId = 'i=85'; // Objects
    const levels = ['acme', 'plant1', 'machining', 'line1', 'infeed', 'conveyor-1'];
    for (const [depth, name] of levels.entries()) {
      const child = await childNamed(nodeId, name);
      expect(child.nodeId).toBe(`ns=1;s=${levels.slice(0, depth + 1).join('/')}`);
      expect(child.nodeClass).toBe(NodeClass.Object);
      expect(child.typeDefinition).toBe(depth < levels.length - 1 ? 'ns=0;i=61' : 'ns=0;i=58'); // FolderType, BaseObjectType
      nodeId = child.nodeId;
    }
    const tag = await childNamed(nodeId, 'belt-speed');
    expect(tag).toEqual({ nodeId: `ns=1;s=${conveyor}/belt-speed`, nodeClass: NodeClass.Variable, typeDefinition: 'ns=0;i=2368' }); // AnalogItemType
    const tags = (await session.browse(nodeId)).references?.length;
    expect(tags).toBe(plant.machines().find((machine) => machine.path === conveyor)?.tags.length);
  });

  it('reads a value with its DataType, EngineeringUnits and EURange', async () => {
    const nodeId = `ns=1;s=${conveyor}/belt-speed`;
    const value = await readValue(nodeId);
    expect(value.statusCode.name).toBe('Good');
    expect(value.value.dataType).toBe(DataType.Double);
    expect(value.value.value).toBe(plant.value(`${conveyor}/belt-speed`));
    expect(value.sourceTimestamp?.getTime()).toBe(plant.now);
    const units = await readValue((await childNamed(nodeId, 'EngineeringUnits')).nodeId);
    expect(units.value.value).toMatchObject({ unitId: 0x4d5453, displayName: { text: 'm/s' } }); // MTS
    const range = await readValue((await childNamed(nodeId, 'EURange')).nodeId);
    expect(range.value.value).toMatchObject({ low: 0, high: 2 });
    const counter = await readValue(`ns=1;s=${conveyor}/good-parts`);
    expect(counter.value.dataType).toBe(DataType.Int32);
    const running = await readValue(`ns=1;s=${conveyor}/running`);
    expect(running.value).toMatchObject({ dataType: DataType.Boolean, value: true });
    const energy = await childNamed(`ns=1;s=${conveyor}`, 'energy');
    expect(energy.typeDefinition).toBe('ns=0;i=15318'); // BaseAnalogType: no maximum, so no EURange
    expect((await readValue((await childNamed(energy.nodeId, 'EngineeringUnits')).nodeId)).value.value).toMatchObject({ displayName: { text: 'kWh' } });
  });

  it('sends a monitored item the changes as the plant advances', async () => {
    const subscription = ClientSubscription.create(session, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 10, publishingEnabled: true });
    const seen: DataValue[] = [];
    const item = await subscription.monitor(
      { nodeId: `ns=1;s=${conveyor}/motor-current`, attributeId: AttributeIds.Value },
      { samplingInterval: 100, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    item.on('changed', (dataValue: DataValue) => seen.push(dataValue));
    const advancing = setInterval(() => plant.advance(plant.now + 1_000), 100);
    try {
      await eventually(() => new Set(seen.map((dataValue) => dataValue.value.value as number)).size >= 4, 'four different motor currents');
    } finally {
      clearInterval(advancing);
      await subscription.terminate();
    }
    const times = seen.map((dataValue) => dataValue.sourceTimestamp?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBeGreaterThan(times[0] ?? Infinity);
  });

  it('writes a setpoint that changes the machine', async () => {
    const setpoint = `ns=1;s=${conveyor}/speed-setpoint`;
    expect(await write(setpoint, new Variant({ dataType: DataType.Double, value: 1.3 }))).toBe('Good');
    expect(plant.value(`${conveyor}/speed-setpoint`)).toBe(1.3);
    expect((await readValue(setpoint)).value.value).toBe(1.3);
    plant.advance(plant.now + 30_000);
    expect(plant.value(`${conveyor}/belt-speed`) as number).toBeCloseTo(1.3, 1);
  });

  it('refuses bad writes with BadOutOfRange, BadTypeMismatch and BadNotWritable, changing nothing', async () => {
    const setpoint = `ns=1;s=${conveyor}/speed-setpoint`;
    const before = plant.value(`${conveyor}/speed-setpoint`);
    expect(await write(setpoint, new Variant({ dataType: DataType.Double, value: 9 }))).toBe('BadOutOfRange');
    expect(await write(setpoint, new Variant({ dataType: DataType.Double, value: Number.NaN }))).toBe('BadOutOfRange');
    expect(await write(setpoint, new Variant({ dataType: DataType.String, value: 'fast' }))).toBe('BadTypeMismatch');
    expect(await write(setpoint, new Variant({ dataType: DataType.Boolean, value: true }))).toBe('BadTypeMismatch');
    expect(await write(`ns=1;s=${conveyor}/belt-speed`, new Variant({ dataType: DataType.Double, value: 1 }))).toBe('BadNotWritable');
    expect(plant.value(`${conveyor}/speed-setpoint`)).toBe(before);
  });

  it('reports a dropped link as BadCommunicationError, on reads and writes', async () => {
    const fault = plant.injectFault('conveyor-1', 'dropped-link');
    try {
      expect((await readValue(`ns=1;s=${conveyor}/belt-speed`)).statusCode).toBe(StatusCodes.BadCommunicationError);
      expect(await write(`ns=1;s=${conveyor}/speed-setpoint`, new Variant({ dataType: DataType.Double, value: 1 }))).toBe('BadCommunicationError');
    } finally {
      plant.clearFault(fault.id);
    }
    expect((await readValue(`ns=1;s=${conveyor}/belt-speed`)).statusCode.name).toBe('Good');
  });

  it('refuses options that cannot work, naming the option', async () => {
    const logger = createSilentLogger();
    await expect(startOpcUaServer(plant, { port: 0, publishingIntervalMs: 0 }, { logger })).rejects.toThrow(
      'publishingIntervalMs: expected a number of milliseconds ≥ 1, found 0',
    );
    await expect(startOpcUaServer(plant, { port: 70_000 }, { logger })).rejects.toThrow('port: expected an integer from 0 to 65535, found 70000');
  });

  it('starts again on the same port after close', async () => {
    await client.close();
    await server.close();
    const port = server.port;
    server = await startOpcUaServer(plant, { port, host: '127.0.0.1' }, { logger: createSilentLogger() });
    expect(server.port).toBe(port);
    client = await connectClient(server.endpointUrl);
    session = client.session;
    expect((await readValue(`ns=1;s=${conveyor}/speed-setpoint`)).value.value).toBe(plant.value(`${conveyor}/speed-setpoint`));
  }, 60_000);
});

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
