/**
 * Units a tag may be reported in instead of its default (plant file `tags[].unit`): reported =
 * default × factor + offset. Ranges convert the same way; setpoints written in the reported unit
 * convert back.
 */
export interface UnitConversion {
  readonly factor: number;
  readonly offset: number;
}

const conversions: Readonly<Record<string, Readonly<Record<string, UnitConversion>>>> = {
  '°C': { '°F': { factor: 1.8, offset: 32 }, K: { factor: 1, offset: 273.15 } },
  bar: { kPa: { factor: 100, offset: 0 }, MPa: { factor: 0.1, offset: 0 }, psi: { factor: 14.5038, offset: 0 } },
  'm³/h': { 'l/min': { factor: 1_000 / 60, offset: 0 }, 'm³/s': { factor: 1 / 3_600, offset: 0 }, gpm: { factor: 4.40287, offset: 0 } },
  'm³/min': { 'm³/h': { factor: 60, offset: 0 }, cfm: { factor: 35.3147, offset: 0 } },
  kW: { W: { factor: 1_000, offset: 0 }, hp: { factor: 1.34102, offset: 0 } },
  kWh: { MWh: { factor: 0.001, offset: 0 }, Wh: { factor: 1_000, offset: 0 } },
  'mm/s': { 'in/s': { factor: 1 / 25.4, offset: 0 }, 'm/s': { factor: 0.001, offset: 0 } },
  g: { 'm/s²': { factor: 9.80665, offset: 0 }, 'mm/s²': { factor: 9_806.65, offset: 0 } },
  'm/s': { 'm/min': { factor: 60, offset: 0 } },
  'm/min': { 'm/s': { factor: 1 / 60, offset: 0 } },
  m: { ft: { factor: 3.28084, offset: 0 } },
  mm: { in: { factor: 1 / 25.4, offset: 0 } },
  t: { kN: { factor: 9.80665, offset: 0 } },
  rpm: { Hz: { factor: 1 / 60, offset: 0 } },
  A: { mA: { factor: 1_000, offset: 0 } },
  s: { ms: { factor: 1_000, offset: 0 }, min: { factor: 1 / 60, offset: 0 } },
};

/** The conversion from `from` to `to`; identity when they are equal; undefined when not known. */
export function unitConversion(from: string | undefined, to: string): UnitConversion | undefined {
  if (from === to) return { factor: 1, offset: 0 };
  return from === undefined ? undefined : conversions[from]?.[to];
}

/** Units `from` converts to, for messages. */
export function convertibleUnits(from: string | undefined): string[] {
  return from === undefined ? [] : [from, ...Object.keys(conversions[from] ?? {})];
}
