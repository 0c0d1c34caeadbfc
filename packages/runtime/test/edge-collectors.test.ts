import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import { startModbusServers, type ModbusServers } from '@shopfloor/simulator-modbus';
import { startOpcUaServer, type OpcUaServer } from '@shopfloor/simulator-opcua';
import { startFaultProxy, startMosquitto, type FaultProxy, type MosquittoServer } from '@shopfloor/testkit';
import { modbusDevicesFromRegisterMap, opcUaBrowseForLine } from '@shopfloor/runtime';
import { startEdge, startHub, until, type LinkSettings, type TestNode } from './edge-fixture.ts';

/**
 * An edge collecting from the simulator's Modbus TCP servers (one PLC per line; line1's behind a
 * fault proxy) and its OPC UA server (line2), forwarding to a hub over Mosquitto. A PLC that stops
 * answering marks only its own tags bad, and its placeholder values raise no alarm.
 */
describe('an edge with Modbus and OPC UA collectors', () => {
  let plant: Plant;
  let modbus: ModbusServers;
  let opcua: OpcUaServer;
  let plcProxy: FaultProxy;
  let mosquitto: MosquittoServer;
  let hub: TestNode;
  let edge: TestNode;
  let advance: NodeJS.Timeout;
  let line2Tag: string;
  const line1Temp = 'acme/plant1/machining/line1/turning/coolant-pump/fluid-temperature';
  const line2 = (tag: string) => tag.includes('/line2/');

  beforeAll(async () => {
    plant = createPlant(defaultPlantDescription(), { seed: 7, startTime: Date.now() - 60_000 });
    plant.advance(Date.now());
    advance = setInterval(() => plant.advance(Date.now()), 100);
    modbus = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 1 }, { logger: createSilentLogger() });
    opcua = await startOpcUaServer(plant, { port: 0, host: '127.0.0.1', publishingIntervalMs: 100 }, { logger: createSilentLogger() });
    const line1Plc = modbus.servers.find((server) => server.plc.endsWith('/line1'));
    if (line1Plc === undefined) throw new Error('the default plant has a line1 PLC');
    plcProxy = await startFaultProxy({ target: { host: '127.0.0.1', port: line1Plc.port } });
    // line1's PLC stops answering before the edge's first poll: its tags never had a good value.
    plcProxy.cut('blackhole');
    mosquitto = await startMosquitto();
    const link: LinkSettings = { transport: 'mqtt', hubUrl: mosquitto.url, edgeUrl: mosquitto.url, name: `collect/${process.pid}` };
    hub = await startHub(link);
    const all = modbusDevicesFromRegisterMap(modbus.registerMap, { host: '127.0.0.1', pollMs: 200, timeoutMs: 300 }).map((device) =>
      device.port === line1Plc.port ? { ...device, port: plcProxy.port } : device,
    );
    const devices = all;
    line2Tag =
      devices.find((device) => device.id.endsWith('/line2'))?.tags.find((tag) => tag.path.endsWith('/fluid-temperature') || tag.path.endsWith('/speed'))
        ?.path ?? '';
    edge = await startEdge('edge-collect', link, {
      adjust: (config) => {
        config.collectors.modbus = { id: 'modbus', devices };
        config.collectors.opcua = {
          id: 'opc-ua',
          servers: [
            {
              id: 'simulator',
              endpointUrl: opcua.endpointUrl,
              // line2 over OPC UA under its own prefix, so the two collectors' tags stay apart.
              browse: [{ ...opcUaBrowseForLine(plant.machines(), { namespaceIndex: opcua.namespaceIndex, line: 'line2' }), tagPrefix: 'opcua/line2' }],
            },
          ],
        };
        // A coolant below 1 °C never happens; the placeholder 0 of a tag that never read well would look like it.
        config.rules = [{ id: 'coolant-frozen', type: 'threshold', target: { tags: line1Temp }, op: '<', limit: 1, priority: 'critical' }];
      },
    });
  }, 60_000);

  afterAll(async () => {
    clearInterval(advance);
    await edge?.close();
    await hub?.close();
    await mosquitto?.close();
    await plcProxy?.close();
    await opcua?.close();
    await modbus?.close();
    edge?.remove();
    hub?.remove();
  });

  it('marks only the silent PLC’s tags bad, raises no alarm from them, and forwards everything to the hub', async () => {
    await until('line1 tags marked bad and line2 tags good at the edge', async () => {
      const latest = await edge.node.store.latest([line1Temp, line2Tag]);
      return latest.get(line1Temp)?.quality === 'bad' && latest.get(line2Tag)?.quality === 'good';
    });
    const health = edge.node.edge.workload.health();
    const modbusHealth = health.find((collector) => collector.kind === 'modbus-tcp');
    expect(modbusHealth?.devices.map((device) => [device.id.split('/').at(-1), device.lastGoodReadAt !== undefined])).toEqual([
      ['line1', false],
      ['line2', true],
    ]);
    expect((await edge.node.store.latest([line1Temp])).get(line1Temp)?.value).toBe(0);
    // OPC UA delivers line2 under its prefix, good.
    await until('OPC UA values of line2', async () => (await edge.node.store.tags()).some((tag) => tag.startsWith('opcua/line2/')));
    // Every line2 tag from Modbus is good; every line1 tag bad.
    const modbusTags = (await edge.node.store.tags()).filter((tag) => tag.startsWith('acme/'));
    const latest = await edge.node.store.latest(modbusTags);
    const qualities = new Map<string, Set<string>>();
    for (const [tag, point] of latest) {
      const key = line2(tag) ? 'line2' : 'line1';
      qualities.set(key, (qualities.get(key) ?? new Set()).add(point.quality));
    }
    expect([...(qualities.get('line1') ?? [])]).toEqual(['bad']);
    expect([...(qualities.get('line2') ?? [])]).toEqual(['good']);
    expect(edge.node.edge.workload.alarms.alarms({})).toEqual([]);
    expect(edge.node.edge.workload.alarms.stats.ignoredQuality).toBeGreaterThan(0);

    // The PLC answers again: good values, still no alarm (the coolant is warm).
    plcProxy.restore();
    await until('line1 good again', async () => (await edge.node.store.latest([line1Temp])).get(line1Temp)?.quality === 'good', 30_000);
    expect(edge.node.edge.workload.alarms.alarms({})).toEqual([]);
    // The hub has both collectors' data, the bad marks included.
    await until('the hub to hold the line1 tag with both qualities', async () => {
      const points = await hub.node.store.range(line1Temp, { from: 0, to: Number.MAX_SAFE_INTEGER });
      return points.some((point) => point.quality === 'bad') && points.some((point) => point.quality === 'good');
    });
    expect((await hub.node.store.tags()).some((tag) => tag.startsWith('opcua/line2/'))).toBe(true);
  });
});
