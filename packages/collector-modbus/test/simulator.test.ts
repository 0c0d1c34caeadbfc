import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import { startModbusServers, type ModbusServers, type RegisterMapEntry } from '@shopfloor/simulator-modbus';
import { planModbusReads, startModbusCollector, type ModbusCollector, type ModbusDeviceConfig } from '../src/index.ts';
import { createTestPipeline, waitFor, type RecordingStore } from './support.ts';

// The collector against the simulator's Modbus servers (the default plant, two PLCs): every entry
// of the register map (values, INT16 scaled copies, holding-register and coil mirrors) read and
// compared with the plant after deterministic steps; a dropped link (exception 0B) marks only the
// groups that cover the machine.

const int16 = { min: -32_768, max: 32_767 };
let plant: Plant;
let servers: ModbusServers;
let collector: ModbusCollector;
let store: RecordingStore;
let devices: ModbusDeviceConfig[];
const entryOf = new Map<string, RegisterMapEntry>();

/** Tag paths: the plant's for values; role suffixes for the copies, which are separate tags here. */
function pathOf(entry: RegisterMapEntry, entries: readonly RegisterMapEntry[]): string {
  if (entry.role === 'value') return entry.tag;
  if (entry.role === 'scaled') return `${entry.tag}:scaled`;
  const copied = entries.find((other) => other.plc === entry.plc && other.table === entry.mirrorOf?.table && other.address === entry.mirrorOf.address);
  return `${entry.tag}:${copied?.role === 'scaled' ? 'scaled-copy' : 'copy'}`;
}

/** What the registers hold for the plant's current value, as the collector should decode it. */
function expected(entry: RegisterMapEntry): number | boolean {
  const value = plant.valueAt(entry.tagIndex);
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'number') throw new Error(`tag ${entry.tag} is not a number`);
  if (entry.dataType === 'float32') return Math.fround(value);
  if (entry.dataType === 'int16') return Math.min(int16.max, Math.max(int16.min, Math.round(value * entry.scale))) / entry.scale;
  return Math.round(value);
}

function mismatches(): string[] {
  const wrong: string[] = [];
  for (const [path, entry] of entryOf) {
    const point = store.newest(path);
    const want = expected(entry);
    const got = point === undefined ? undefined : entry.dataType === 'float32' && typeof point.value === 'number' ? Math.fround(point.value) : point.value;
    const close = typeof got === 'number' && typeof want === 'number' && entry.dataType === 'int16' ? Math.abs(got - want) < 1e-9 : got === want;
    if (point?.quality !== 'good' || !close) wrong.push(`${path}: ${JSON.stringify(point)} expected ${String(want)}`);
  }
  return wrong;
}

/** Waits until every device has finished two polls begun after now, so each read saw the plant as it is. */
async function twoFreshPolls(): Promise<void> {
  const marks = collector.counters().map((counters) => counters.polls);
  await waitFor('two more polls of every device', () => collector.counters().every((counters, index) => counters.polls >= (marks[index] ?? 0) + 2));
}

beforeAll(async () => {
  plant = createPlant(defaultPlantDescription());
  servers = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 1 }, { logger: createSilentLogger() });
  const entries = servers.registerMap.entries;
  devices = servers.registerMap.plcs.map((plc) => ({
    id: plc.plc,
    host: '127.0.0.1',
    port: plc.port,
    unitId: plc.unitId,
    pollMs: 100,
    timeoutMs: 2_000,
    tags: entries
      .filter((entry) => entry.plc === plc.plc)
      .map((entry) => {
        const path = pathOf(entry, entries);
        entryOf.set(path, entry);
        return { path, table: entry.table, address: entry.address, type: entry.dataType, scale: 1 / entry.scale };
      }),
  }));
  const test = createTestPipeline();
  store = test.store;
  collector = await startModbusCollector({ id: 'modbus', devices }, { pipeline: test.pipeline, logger: createSilentLogger() });
  await waitFor('a first poll of every device', () => collector.counters().every((counters) => counters.polls >= 1));
});

afterAll(async () => {
  await collector.close();
  await servers.close();
});

describe('polling the simulated plant', () => {
  it('reads every register-map entry as the plant has it, after each deterministic step', async () => {
    expect(entryOf.size).toBe(servers.registerMap.entries.length);
    for (const step of [1, 2, 3]) {
      plant.advance(plant.now + 15_000);
      await twoFreshPolls();
      expect({ step, wrong: mismatches() }).toEqual({ step, wrong: [] });
    }
    expect(collector.health()).toMatchObject({ kind: 'modbus-tcp', connected: true, errors: 0 });
  });

  it('reads the whole map in a handful of requests per poll', () => {
    const counters = collector.counters();
    const tags = devices.reduce((sum, device) => sum + device.tags.length, 0);
    const perPoll = counters.reduce((sum, device) => sum + device.groups, 0);
    expect(tags).toBeGreaterThan(1_500);
    expect(perPoll * 20).toBeLessThan(tags);
    for (const device of counters) {
      // requests = groups × finished polls, plus at most one poll under way.
      expect(device.requests).toBeGreaterThanOrEqual(device.groups * device.polls);
      expect(device.requests).toBeLessThanOrEqual(device.groups * (device.polls + 1));
      expect(device.points).toBeGreaterThanOrEqual((device.polls * tags) / (2 * counters.length));
    }
  });

  it('marks bad exactly the groups an exception (0B, dropped link) answers, once, and recovers', async () => {
    const machine = plant.machines()[1];
    if (machine === undefined) throw new Error('the default plant has machines');
    const device = devices.find((candidate) => machine.path.startsWith(`${candidate.id}/`));
    if (device === undefined) throw new Error(`no device for ${machine.path}`);
    const machineTags = new Set(machine.tags.map((index) => plant.tags[index]?.path));
    const hit = planModbusReads(device).filter((group) => group.tags.some((tag) => machineTags.has(entryOf.get(tag.path)?.tag)));
    const shouldBeBad = new Set(hit.flatMap((group) => group.tags.map((tag) => tag.path)));
    expect(shouldBeBad.size).toBeLessThan(device.tags.length);

    const fault = plant.injectFault(machine.path, 'dropped-link');
    await twoFreshPolls();
    const badNow = [...entryOf.keys()].filter((path) => store.newest(path)?.quality === 'bad');
    expect(new Set(badNow)).toEqual(shouldBeBad);
    const lastError = collector.health().devices.find((health) => health.id === device.id)?.lastError;
    expect(lastError).toMatch(/Modbus exception 11/);
    // Still bad two polls later, with no second bad point: the transition is submitted once.
    await twoFreshPolls();
    for (const path of shouldBeBad) expect(store.of(path).filter((point) => point.quality === 'bad')).toHaveLength(1);

    plant.clearFault(fault.id);
    await twoFreshPolls();
    expect(mismatches()).toEqual([]);
    expect(collector.health().devices.every((health) => health.connected)).toBe(true);
  });
});
