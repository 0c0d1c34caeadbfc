import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import { startModbusServers, type ModbusServers, type RegisterMapEntry } from '../src/index.ts';
import { runPymodbus } from './pymodbus.ts';

// The Debian python3-pymodbus client against the servers of the default plant: documented values,
// a setpoint that changes the machine, and the exception codes of requests outside the map.
const unit = 1;
let plant: Plant;
let modbus: ModbusServers;
let port: number;
let entries: RegisterMapEntry[];

const line1 = 'acme/plant1/machining/line1';
const conveyor = `${line1}/infeed/conveyor-1`;
const entryOf = (tag: string, table: RegisterMapEntry['table'], dataType: RegisterMapEntry['dataType']): RegisterMapEntry => {
  const entry = entries.find((candidate) => candidate.tag === tag && candidate.table === table && candidate.dataType === dataType && candidate.role !== 'copy');
  if (entry === undefined) throw new Error(`no ${dataType} ${table} for ${tag} in the register map`);
  return entry;
};

beforeAll(async () => {
  plant = createPlant(defaultPlantDescription());
  plant.advance(plant.now + 120_000);
  modbus = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: unit }, { logger: createSilentLogger() });
  const first = modbus.servers[0];
  if (first === undefined) throw new Error('no PLC started');
  expect(first.plc).toBe(line1);
  port = first.port;
  entries = modbus.registerMap.entries.filter((entry) => entry.plc === line1);
});

afterAll(async () => {
  await modbus.close();
});

describe('Modbus TCP servers read by pymodbus', () => {
  it('serves one PLC per line, each on its own port, with its machines', () => {
    expect(modbus.servers.map((server) => server.plc)).toEqual([line1, 'acme/plant1/forming/line2']);
    expect(new Set(modbus.servers.map((server) => server.port)).size).toBe(2);
    expect(modbus.servers[0]?.machines).toContain(conveyor);
    expect(modbus.registerMap.entries.every((entry) => entry.port === modbus.servers.find((server) => server.plc === entry.plc)?.port)).toBe(true);
  });

  it('reads every FLOAT32 input register with the documented value (word order ABCD)', async () => {
    const floats = entries.filter((entry) => entry.table === 'input-register' && entry.dataType === 'float32' && entry.role !== 'copy');
    expect(floats.length).toBeGreaterThan(100);
    const results = await runPymodbus(
      port,
      unit,
      floats.map((entry) => ({ op: 'read_float32', table: 'input', address: entry.address })),
    );
    floats.forEach((entry, index) => {
      const expected = plant.valueAt(entry.tagIndex) as number;
      const result = results[index];
      expect(result?.ok, `${entry.tag}: ${JSON.stringify(result)}`).toBe(true);
      expect(result?.value, entry.tag).toBeCloseTo(Math.fround(expected), 4);
      expect(Math.abs((result?.value ?? NaN) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-6 + 1e-9);
    });
  });

  it('reads INT16 scaled, INT16 and INT32 registers, discrete inputs and the read-only copies', async () => {
    const scaled = entryOf(`${conveyor}/gearbox-temperature`, 'input-register', 'int16');
    const stateCode = entryOf(`${conveyor}/state-code`, 'input-register', 'int16');
    const goodParts = entryOf(`${line1}/turning/cnc-1/good-parts`, 'input-register', 'int32');
    const running = entryOf(`${conveyor}/running`, 'discrete-input', 'bool');
    const temperature = entryOf(`${conveyor}/gearbox-temperature`, 'input-register', 'float32');
    const [scaledRead, stateRead, partsRead, runningRead, mirrorRead, mirrorBit] = await runPymodbus(port, unit, [
      { op: 'read_int16', table: 'input', address: scaled.address },
      { op: 'read_int16', table: 'input', address: stateCode.address },
      { op: 'read', table: 'input', address: goodParts.address, count: 2 },
      { op: 'read', table: 'discrete', address: running.address },
      { op: 'read_float32', table: 'holding', address: 20_000 + temperature.address },
      { op: 'read', table: 'coil', address: 20_000 + running.address },
    ]);
    expect(scaled.scale).toBe(100);
    expect((scaledRead?.value ?? NaN) / scaled.scale).toBeCloseTo(plant.valueAt(scaled.tagIndex) as number, 2);
    expect(stateRead?.value).toBe(plant.valueAt(stateCode.tagIndex));
    const [high = 0, low = 0] = partsRead?.registers ?? [];
    expect(high * 65_536 + low).toBe(plant.valueAt(goodParts.tagIndex));
    expect(runningRead?.bits).toEqual([plant.valueAt(running.tagIndex)]);
    expect(mirrorRead?.value).toBeCloseTo(Math.fround(plant.valueAt(temperature.tagIndex) as number), 4);
    expect(mirrorBit?.bits).toEqual([plant.valueAt(running.tagIndex)]);
  });

  it('writes a FLOAT32 setpoint that changes the machine, and an INT16 scaled one', async () => {
    const setpoint = entryOf(`${conveyor}/speed-setpoint`, 'holding-register', 'float32');
    const pump = entryOf(`${line1}/turning/coolant-pump/valve-setpoint`, 'holding-register', 'int16');
    const before = plant.value(`${conveyor}/belt-speed`) as number;
    const [floatWrite, readBack, scaledWrite] = await runPymodbus(port, unit, [
      { op: 'write_float32', address: setpoint.address, value: 1.2 },
      { op: 'read_float32', table: 'holding', address: setpoint.address },
      { op: 'write_register', address: pump.address, value: 6_550 },
    ]);
    expect(floatWrite).toEqual({ ok: true });
    expect(readBack?.value).toBeCloseTo(1.2, 5);
    expect(plant.value(`${conveyor}/speed-setpoint`)).toBe(1.2);
    expect(scaledWrite).toEqual({ ok: true });
    expect(pump.scale).toBe(100);
    expect(plant.value(`${line1}/turning/coolant-pump/valve-setpoint`)).toBe(65.5);
    plant.advance(plant.now + 30_000);
    const after = plant.value(`${conveyor}/belt-speed`) as number;
    expect(before).toBeLessThan(0.8);
    expect(after).toBeCloseTo(1.2, 1);
  });

  it('answers requests outside the map with exception 02 and bad values with 03', async () => {
    const setpoint = entryOf(`${conveyor}/speed-setpoint`, 'holding-register', 'float32');
    const lastInput = entries.filter((entry) => entry.table === 'input-register' && entry.address < 10_000).at(-1) as RegisterMapEntry;
    const before = plant.value(`${conveyor}/speed-setpoint`);
    const results = await runPymodbus(port, unit, [
      { op: 'read', table: 'input', address: 9_000, count: 2 }, // no register there
      { op: 'read', table: 'input', address: lastInput.address, count: lastInput.count + 1 }, // runs past the end
      { op: 'read', table: 'holding', address: 60_000, count: 1 },
      { op: 'read', table: 'input', address: 0, count: 126 }, // more than a read may take
      { op: 'write_float32', address: setpoint.address, value: 9 }, // above the 1.5 m/s maximum
      { op: 'write_registers', address: setpoint.address, values: [0x7fc0, 0x0000] }, // NaN
      { op: 'write_register', address: setpoint.address, value: 0x3f80 }, // half of a FLOAT32
      { op: 'write_registers', address: 20_000, values: [0x3f80, 0x0000] }, // the read-only copy of an input register
      { op: 'write_coil', address: 0, value: true }, // this PLC has no writable booleans
      { op: 'write_coil', address: 20_000, value: true }, // read-only copy of a discrete input
      { op: 'read', table: 'discrete', address: 5_000, count: 1 },
    ]);
    expect(results.map((result) => result.exception)).toEqual([2, 2, 2, 3, 3, 3, 2, 2, 2, 2, 2]);
    expect(plant.value(`${conveyor}/speed-setpoint`)).toBe(before);
    // The server carries on after all that.
    const [read] = await runPymodbus(port, unit, [{ op: 'read_float32', table: 'holding', address: setpoint.address }]);
    expect(read?.ok).toBe(true);
  });

  it('answers another unit id with 0A and a machine whose link is down with 0B', async () => {
    const temperature = entryOf(`${conveyor}/gearbox-temperature`, 'input-register', 'float32');
    const [otherUnit] = await runPymodbus(port, 7, [{ op: 'read', table: 'input', address: 0, count: 2 }]);
    expect(otherUnit?.exception).toBe(10);
    const [anyUnit] = await runPymodbus(port, 255, [{ op: 'read', table: 'input', address: 0, count: 2 }]);
    expect(anyUnit?.ok).toBe(true);
    const fault = plant.injectFault('conveyor-1', 'dropped-link');
    try {
      const [down, otherMachine] = await runPymodbus(port, unit, [
        { op: 'read_float32', table: 'input', address: temperature.address },
        { op: 'read_float32', table: 'input', address: entryOf(`${line1}/turning/cnc-1/spindle-speed`, 'input-register', 'float32').address },
      ]);
      expect(down?.exception).toBe(11);
      expect(otherMachine?.ok).toBe(true);
    } finally {
      plant.clearFault(fault.id);
    }
  });
});
