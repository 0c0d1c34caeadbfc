import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPlant, defaultPlantDescription } from '@shopfloor/simulator';
import { buildRegisterMap, decodeRegisters, encodeRegisters, registerMapLayout, scaleExponent, type RegisterMapEntry } from '../src/index.ts';

const plant = createPlant(defaultPlantDescription());

describe('register map', () => {
  it('is the same for the same plant, whatever the plant has done since', () => {
    const first = buildRegisterMap(plant, { unitId: 1, basePort: 5020 });
    const other = createPlant(defaultPlantDescription());
    other.advance(other.now + 600_000);
    expect(buildRegisterMap(other, { unitId: 1, basePort: 5020 })).toEqual(first);
  });

  it('maps every number and boolean tag once where it is read, and lists the text tags as unmapped', () => {
    const map = buildRegisterMap(plant, { unitId: 1, basePort: 5020 });
    const primaries = map.entries.filter((entry) => entry.role === 'value');
    expect(primaries.map((entry) => entry.tagIndex).sort((a, b) => a - b)).toEqual(
      plant.tags.filter((tag) => tag.dataType !== 'string').map((tag) => tag.index),
    );
    expect(map.unmapped.map((tag) => tag.tag)).toEqual(plant.tags.filter((tag) => tag.dataType === 'string').map((tag) => tag.path));
    for (const entry of primaries) {
      const tag = plant.tags[entry.tagIndex];
      const expected = tag?.dataType === 'bool' ? (tag.writable ? 'coil' : 'discrete-input') : tag?.writable === true ? 'holding-register' : 'input-register';
      expect(entry.table, entry.tag).toBe(expected);
    }
  });

  it('packs each table without overlaps, in blocks, with ports per PLC', () => {
    const map = buildRegisterMap(plant, { unitId: 1, basePort: 5020 });
    expect(map.plcs.map((plc) => plc.port)).toEqual([5020, 5021]);
    for (const plc of map.plcs) {
      for (const table of ['coil', 'discrete-input', 'input-register', 'holding-register'] as const) {
        const entries = map.entries.filter((entry) => entry.plc === plc.plc && entry.table === table);
        entries.reduce((end: number, entry: RegisterMapEntry) => {
          expect(entry.address, `${table} ${entry.tag}`).toBeGreaterThanOrEqual(end);
          return entry.address + entry.count;
        }, 0);
        for (const entry of entries) {
          expect(entry.count).toBe(entry.dataType === 'float32' || entry.dataType === 'int32' ? 2 : 1);
          expect(entry.wordOrder).toBe(entry.count === 2 ? 'ABCD' : undefined);
          const block = entry.role === 'copy' ? registerMapLayout.mirrorOffset : entry.role === 'scaled' ? registerMapLayout.scaledBase : 0;
          expect(entry.address - block, entry.tag).toBeLessThan(registerMapLayout.blockSize * (entry.role === 'copy' || entry.dataType === 'bool' ? 2 : 1));
          expect(entry.address).toBeGreaterThanOrEqual(block);
        }
      }
    }
  });

  it('says which PLC has too many tags for one server', () => {
    const wide = { ...plant, machines: () => plant.machines().map((machine) => ({ ...machine, path: machine.path.replace(/\/line\d\//, '/line/') })) };
    expect(() =>
      buildRegisterMap({ tags: plant.tags, machines: () => Array.from({ length: 40 }, () => wide.machines()).flat() }, { unitId: 1, basePort: 0 }),
    ).toThrow(/Modbus PLC "acme\/plant1\/(machining|forming)\/line" needs \d+ input registers but its block holds 10000/);
  });
});

describe('register encoding', () => {
  it('gives a float32 back as the shortest decimal of the same float', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const decoded = decodeRegisters(encodeRegisters(value, 'float32', 1), 'float32', 1);
        expect(Math.fround(decoded)).toBe(Math.fround(value));
      }),
    );
    expect(decodeRegisters(encodeRegisters(12.3, 'float32', 1), 'float32', 1)).toBe(12.3);
    expect(encodeRegisters(1, 'float32', 1)).toEqual([0x3f80, 0x0000]);
  });

  it('gives integers and scaled values back, held at the limits of their type', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), (value) => {
        expect(decodeRegisters(encodeRegisters(value, 'int32', 1), 'int32', 1)).toBe(value);
      }),
    );
    expect(encodeRegisters(-1, 'int32', 1)).toEqual([0xffff, 0xffff]);
    expect(encodeRegisters(65_538, 'int32', 1)).toEqual([1, 2]);
    expect(encodeRegisters(-2.5, 'int16', 100)).toEqual([0xff06]);
    expect(decodeRegisters([0xff06], 'int16', 100)).toBe(-2.5);
    expect(encodeRegisters(400, 'int16', 100)).toEqual([32_767]);
    expect(decodeRegisters([6_550], 'int16', 100)).toBe(65.5);
  });

  it('picks the most decimals, up to three, that keep the range in a signed 16-bit register', () => {
    expect(scaleExponent(0, 1)).toBe(3);
    expect(scaleExponent(0, 100)).toBe(2);
    expect(scaleExponent(-20, 200)).toBe(2);
    expect(scaleExponent(0, 1_650)).toBe(1);
    expect(scaleExponent(0, 20_000)).toBe(0);
    expect(scaleExponent(0, 40_000)).toBeUndefined();
  });
});
