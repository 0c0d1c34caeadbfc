import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { knownUnits, unitConversion, unitQuantity, unitsByQuantity, type UnitConversion } from '../src/index.ts';

function convert(value: number, from: string, to: string): number {
  const conversion = unitConversion(from, to);
  if ('problem' in conversion) throw new Error(conversion.problem);
  return value * conversion.factor + conversion.offset;
}

describe('unit conversion', () => {
  it('converts by hand-checked values across temperature, pressure, flow, speed, power, energy and more', () => {
    const cases: [number, string, string, number][] = [
      [100, '°C', '°F', 212],
      [-40, '°F', '°C', -40],
      [0, 'K', '°C', -273.15],
      [32, 'degF', 'K', 273.15],
      [1, 'bar', 'kPa', 100],
      [100, 'kPa', 'psi', 14.503773773],
      [1, 'bar', 'Pa', 100_000],
      [1_000, 'l/min', 'm³/h', 60],
      [1, 'gpm', 'l/min', 3.785411784],
      [1, 'm3/h', 'l/min', 1_000 / 60],
      [25.4, 'mm/s', 'in/s', 1],
      [1, 'hp', 'kW', 0.7456998715822702],
      [1.5, 'kW', 'W', 1_500],
      [1, 'kWh', 'J', 3_600_000],
      [2_500, 'Wh', 'kWh', 2.5],
      [3_000, 'rpm', 'Hz', 50],
      [1, 'g', 'm/s²', 9.80665],
      [12, 'in', 'mm', 304.8],
      [1, 't', 'kg', 1_000],
    ];
    expect(cases.map(([value, from, to]) => convert(value, from, to))).toEqual(cases.map(([, , , expected]): unknown => expect.closeTo(expected, 9)));
  });

  it('goes there and back to the same value for every pair of units of one quantity', () => {
    const units = knownUnits();
    let pairs = 0;
    for (const from of units) {
      for (const to of units) {
        if (unitQuantity(from) !== unitQuantity(to)) continue;
        const there = unitConversion(from, to) as UnitConversion;
        const back = unitConversion(to, from) as UnitConversion;
        expect((123.456 * there.factor + there.offset) * back.factor + back.offset).toBeCloseTo(123.456, 6);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(300);
  });

  it('says what is wrong with an unknown unit or two quantities that do not mix', () => {
    expect([unitConversion('furlong', 'm'), unitConversion('m', 'cubit'), unitConversion('kWh', 'kW')]).toEqual([
      { problem: 'unknown unit "furlong"' },
      { problem: 'unknown unit "cubit"' },
      { problem: '"kWh" is an energy and "kW" a power; they do not convert' },
    ]);
  });

  it('are the ones docs/processors.md lists', async () => {
    const doc = await readFile(new URL('../../../docs/processors.md', import.meta.url), 'utf8');
    const code = (symbols: readonly string[]) => (symbols.length === 0 ? '—' : symbols.map((symbol) => `\`${symbol}\``).join(', '));
    const table = unitsByQuantity().map(({ quantity, units, aliases }) => `| ${quantity} | ${code(units)} | ${code(aliases)} |`);
    expect(doc).toContain(['| quantity | units | aliases |', '| --- | --- | --- |', ...table].join('\n'));
  });
});
