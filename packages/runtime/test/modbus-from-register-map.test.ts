import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline, TagDirectory, createSilentLogger, pipelineDefaults, type PointStore } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { modbusCollectorConfigProblems, startModbusCollector, type ModbusCollector } from '@shopfloor/collector-modbus';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import { startModbusServers, type ModbusServers } from '@shopfloor/simulator-modbus';
import { modbusDevicesFromRegisterMap } from '../src/roles/modbus-from-register-map.ts';

// The edge's Modbus collector configured from the simulator's register map polls the simulated
// plant and stores what the plant holds.

let plant: Plant;
let servers: ModbusServers;
let collector: ModbusCollector | undefined;
const newest = new Map<string, Point>();

const recordingStore: PointStore = {
  async write(batch) {
    for (const point of batch) newest.set(point.tag, point);
    return { stored: batch.length, rejected: [] };
  },
  latest: async () => new Map(),
  range: async () => [],
  downsample: async () => [],
  aggregate: async () => [],
  tags: async () => [...newest.keys()],
  close: async () => undefined,
};

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  plant = createPlant(defaultPlantDescription());
  servers = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 1 }, { logger: createSilentLogger() });
});

afterAll(async () => {
  await collector?.close();
  await servers.close();
});

describe('modbusDevicesFromRegisterMap', () => {
  it('makes one device per PLC and one tag per entry of the chosen roles, with table, address, type, order and scale', () => {
    const map = servers.registerMap;
    const values = modbusDevicesFromRegisterMap(map, { host: '127.0.0.1', pollMs: 500 });
    expect(values.map((device) => [device.id, device.port, device.tags.length])).toEqual(
      map.plcs.map((plc) => [plc.plc, plc.port, map.entries.filter((entry) => entry.plc === plc.plc && entry.role === 'value').length]),
    );
    const all = modbusDevicesFromRegisterMap(map, { host: 'plant.local', pollMs: 500, timeoutMs: 300, roles: ['value', 'scaled', 'copy'] });
    expect(all.reduce((sum, device) => sum + device.tags.length, 0)).toBe(map.entries.length);
    expect(modbusCollectorConfigProblems({ id: 'modbus', devices: all })).toEqual([]);
    const scaled = map.entries.find((entry) => entry.role === 'scaled' && entry.table === 'input-register' && entry.scale === 100);
    if (scaled === undefined) throw new Error('the default plant has an INT16 ×100 value');
    const device = all.find((candidate) => candidate.id === scaled.plc);
    expect(device).toMatchObject({ host: 'plant.local', unitId: 1, pollMs: 500, timeoutMs: 300 });
    expect(device?.tags.find((tag) => tag.path === `${scaled.tag}:scaled`)).toEqual({
      path: `${scaled.tag}:scaled`,
      table: 'input-register',
      address: scaled.address,
      type: 'int16',
      wordOrder: 'big',
      byteOrder: 'big',
      scale: 0.01,
      offset: 0,
      ...(scaled.unit !== undefined ? { unit: scaled.unit } : {}),
    });
    expect(device?.tags.filter((tag) => tag.path.endsWith(':scaled-copy')).length).toBeGreaterThan(0);
  });

  it('polls the simulator with the generated configuration and stores the plant values', async () => {
    const devices = modbusDevicesFromRegisterMap(servers.registerMap, { host: '127.0.0.1', pollMs: 100, roles: ['value', 'scaled'] });
    const pipeline = new Pipeline(pipelineDefaults, { store: recordingStore, directory: new TagDirectory(), logger: createSilentLogger() });
    const started = await startModbusCollector({ id: 'modbus', devices }, { pipeline, logger: createSilentLogger() });
    collector = started;
    plant.advance(plant.now + 20_000);
    const marks = started.counters().map((device) => device.polls);
    await waitFor('two polls of every PLC after the step', () => started.counters().every((device, index) => device.polls >= (marks[index] ?? 0) + 2));

    // A few tags of each kind: FLOAT32, INT16/INT32, BOOL and an INT16 ×10^k copy.
    const byType = new Map<string, { path: string; index: number; scale: number; type: string }[]>();
    for (const entry of servers.registerMap.entries) {
      if (entry.role === 'copy') continue;
      const key = `${entry.role}/${entry.dataType}`;
      const list = byType.get(key) ?? [];
      if (list.length < 3)
        list.push({ path: entry.role === 'scaled' ? `${entry.tag}:scaled` : entry.tag, index: entry.tagIndex, scale: entry.scale, type: entry.dataType });
      byType.set(key, list);
    }
    const compared = [...byType.values()].flat();
    expect(compared.length).toBeGreaterThanOrEqual(9);
    const got = compared.map(({ path, index, scale, type }) => {
      const point = newest.get(path);
      const plantValue = plant.valueAt(index);
      if (typeof plantValue !== 'number' || typeof point?.value !== 'number') return [path, point?.quality, point?.value === plantValue];
      const same =
        type === 'float32' ? Math.fround(point.value) === Math.fround(plantValue) : Math.round(point.value * scale) === Math.round(plantValue * scale);
      return [path, point.quality, same];
    });
    expect(got).toEqual(compared.map(({ path }) => [path, 'good', true]));
  });
});
