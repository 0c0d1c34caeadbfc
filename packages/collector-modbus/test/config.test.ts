import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import {
  modbusCollectorConfigProblems,
  modbusCollectorTags,
  modbusCollectorDefaults,
  planModbusReads,
  startModbusCollector,
  type ModbusCollectorConfig,
  type ModbusDeviceConfig,
  type ModbusTagConfig,
} from '../src/index.ts';
import { createTestPipeline } from './support.ts';

function device(tags: ModbusTagConfig[], extra: Partial<ModbusDeviceConfig> = {}): ModbusDeviceConfig {
  return { id: 'plc-1', host: '127.0.0.1', port: 5020, tags, ...extra };
}

function register(path: string, address: number, type: ModbusTagConfig['type'] = 'uint16', extra: Partial<ModbusTagConfig> = {}): ModbusTagConfig {
  return { path: `line1/${path}`, table: 'holding-register', address, type, ...extra };
}

describe('configuration problems', () => {
  it('accepts the defaults and a plain device', () => {
    expect(modbusCollectorConfigProblems(modbusCollectorDefaults)).toEqual([]);
    expect(modbusCollectorConfigProblems({ id: 'modbus', devices: [device([register('a', 0), register('b', 0, 'float32')])] })).toEqual([]);
  });

  it('names every semantic problem by key path; overlapping registers are allowed', () => {
    const config: ModbusCollectorConfig = {
      id: 'modbus',
      devices: [
        device([register('a', 0), register('b', 0, 'int32')]),
        device(
          [
            register('a', 10),
            { path: 'line1/flag', table: 'holding-register', address: 3, type: 'bool' },
            { path: 'line1/coil', table: 'coil', address: 3, type: 'int16' },
            register('end', 65_535, 'float32'),
            register('wide', 0, 'float64'),
            { path: 'bad path', table: 'input-register', address: 0, type: 'int16' },
            register('zero', 5, 'int16', { scale: 0 }),
            { path: 'line1/scaled-bit', table: 'discrete-input', address: 0, type: 'bool', scale: 10 },
          ],
          { maxRegistersPerRead: 2, backoff: { initialMs: 1_000, maxMs: 500 } },
        ),
      ],
    };
    expect(modbusCollectorConfigProblems(config)).toEqual([
      'devices[1].id: "plc-1" is already the id of devices[0]',
      'devices[1].backoff.maxMs: 500 is below backoff.initialMs 1000',
      'devices[1].tags[0].path: "line1/a" is already read by devices[0].tags[0]',
      'devices[1].tags[1].type: bool needs a coil or a discrete input, not holding-register 3',
      'devices[1].tags[2].type: a coil holds one bit, so the type must be bool, not int16',
      'devices[1].tags[3].address: float32 at 65535 takes 2 registers and would end at 65536, past 65535',
      'devices[1].tags[4].type: float64 takes 4 registers but devices[1].maxRegistersPerRead is 2',
      'devices[1].tags[5].path: tag path "bad path" has 1 segment (at least 2, e.g. "line1/temperature")',
      'devices[1].tags[6].scale: 0 would make every value equal the offset',
      'devices[1].tags[7].scale: scale and offset apply to numbers, not to bool',
    ]);
  });

  it('refuses to start with schema or semantic problems, naming them', async () => {
    const { pipeline } = createTestPipeline();
    const deps = { pipeline, logger: createSilentLogger() };
    const unknownKey = { id: 'modbus', devices: [{ ...device([register('a', 0)]), colour: 'red' }] } as unknown as ModbusCollectorConfig;
    await expect(startModbusCollector(unknownKey, deps)).rejects.toMatchObject({ name: 'InputError', code: 'SF_CONFIG_INVALID' });
    await expect(startModbusCollector(unknownKey, deps)).rejects.toThrow(/devices\[0\]\.colour: expected no such key/);
    const badTable = { id: 'modbus', devices: [device([{ ...register('a', 0), table: 'memory' as 'coil' }])] };
    await expect(startModbusCollector(badTable, deps)).rejects.toThrow(/devices\[0\]\.tags\[0\]\.table/);
    const duplicate = { id: 'modbus', devices: [device([register('a', 0), register('a', 1)])] };
    await expect(startModbusCollector(duplicate, deps)).rejects.toThrow('devices[0].tags[1].path: "line1/a" is already read by devices[0].tags[0]');
  });
});

describe('read plan', () => {
  const ranges = (config: ModbusDeviceConfig) =>
    planModbusReads(config).map((group) => [group.table, group.pollMs, group.start, group.count, group.tags.length]);

  it('merges adjacent and overlapping ranges of one table and poll period, never across tables or periods', () => {
    const tags: ModbusTagConfig[] = [
      register('a', 0, 'float32'),
      register('b', 2, 'int16'),
      register('overlap', 1, 'uint32'),
      register('c', 3, 'float64'),
      register('slow', 7, 'int16', { pollMs: 5_000 }),
      { path: 'line1/in', table: 'input-register', address: 7, type: 'int16' },
      { path: 'line1/bit-0', table: 'coil', address: 0, type: 'bool' },
      { path: 'line1/bit-1', table: 'coil', address: 1, type: 'bool' },
      register('far', 20, 'int16'),
    ];
    expect(ranges(device(tags))).toEqual([
      ['coil', 1_000, 0, 2, 2],
      ['holding-register', 1_000, 0, 7, 4],
      ['holding-register', 1_000, 20, 1, 1],
      ['input-register', 1_000, 7, 1, 1],
      ['holding-register', 5_000, 7, 1, 1],
    ]);
    expect(planModbusReads(device(tags))[1]?.tags.map((tag) => tag.path)).toEqual(['line1/a', 'line1/overlap', 'line1/b', 'line1/c']);
    expect(planModbusReads(device(tags))[0]?.tags[0]?.source).toEqual({ protocol: 'modbus-tcp', address: '127.0.0.1:5020/1/coil/0' });
  });

  it('bridges gaps up to maxGapRegisters and splits at maxRegistersPerRead without splitting a value', () => {
    const tags = [register('a', 0), register('b', 4), register('c', 10), register('d', 11, 'float32')];
    expect(ranges(device(tags))).toEqual([
      ['holding-register', 1_000, 0, 1, 1],
      ['holding-register', 1_000, 4, 1, 1],
      ['holding-register', 1_000, 10, 3, 2],
    ]);
    expect(ranges(device(tags, { maxGapRegisters: 3 }))).toEqual([
      ['holding-register', 1_000, 0, 5, 2],
      ['holding-register', 1_000, 10, 3, 2],
    ]);
    expect(ranges(device(tags, { maxGapRegisters: 10, maxRegistersPerRead: 12 }))).toEqual([
      ['holding-register', 1_000, 0, 11, 3],
      ['holding-register', 1_000, 11, 2, 1],
    ]);
    const bits = Array.from({ length: 5 }, (_, index): ModbusTagConfig => ({
      path: `line1/bit-${index}`,
      table: 'discrete-input',
      address: index,
      type: 'bool',
    }));
    expect(ranges(device(bits, { maxBitsPerRead: 2 }))).toEqual([
      ['discrete-input', 1_000, 0, 2, 2],
      ['discrete-input', 1_000, 2, 2, 2],
      ['discrete-input', 1_000, 4, 1, 1],
    ]);
  });

  it('reads 250 contiguous float32 values in 5 requests of at most 124 registers (a value is never split)', () => {
    const tags = Array.from({ length: 250 }, (_, index) => register(`t${index}`, 2 * index, 'float32'));
    expect(ranges(device(tags))).toEqual([
      ['holding-register', 1_000, 0, 124, 62],
      ['holding-register', 1_000, 124, 124, 62],
      ['holding-register', 1_000, 248, 124, 62],
      ['holding-register', 1_000, 372, 124, 62],
      ['holding-register', 1_000, 496, 4, 2],
    ]);
  });
});

describe('collector tags', () => {
  it('lists every tag with data type, unit and source binding for the registry', () => {
    const tags = modbusCollectorTags({
      id: 'modbus',
      devices: [
        device([
          register('count', 0, 'uint32'),
          register('temperature', 2, 'int16', { scale: 0.1, unit: '°C' }),
          register('pressure', 3, 'float32', { unit: 'bar' }),
          { path: 'line1/running', table: 'coil', address: 7, type: 'bool' },
        ]),
      ],
    });
    expect(tags).toEqual([
      { path: 'line1/running', dataType: 'bool', classification: 'internal', source: { protocol: 'modbus-tcp', address: '127.0.0.1:5020/1/coil/7' } },
      { path: 'line1/count', dataType: 'int', classification: 'internal', source: { protocol: 'modbus-tcp', address: '127.0.0.1:5020/1/holding-register/0' } },
      {
        path: 'line1/temperature',
        dataType: 'float',
        unit: '°C',
        classification: 'internal',
        source: { protocol: 'modbus-tcp', address: '127.0.0.1:5020/1/holding-register/2' },
      },
      {
        path: 'line1/pressure',
        dataType: 'float',
        unit: 'bar',
        classification: 'internal',
        source: { protocol: 'modbus-tcp', address: '127.0.0.1:5020/1/holding-register/3' },
      },
    ]);
  });
});
