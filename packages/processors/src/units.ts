/**
 * Units the `convert` processor knows, by quantity. Each unit is `base = value × factor + offset`
 * in its quantity's base unit (K, Pa, m³/s, m, m/s, m/s², W, J, Hz, s, m³, kg, N, A), so any two
 * units of one quantity convert through the base. Symbols follow the simulator and common
 * practice (`°C`, `m³/h`, `l/min`); a few ASCII spellings are accepted as aliases (`degC`, `m3/h`).
 * `g` is standard gravity (vibration), not the gram.
 */
const quantities: Readonly<Record<string, Readonly<Record<string, readonly [factor: number, offset?: number]>>>> = {
  temperature: { K: [1], '°C': [1, 273.15], '°F': [5 / 9, 273.15 - (32 * 5) / 9] },
  pressure: { Pa: [1], hPa: [100], kPa: [1_000], MPa: [1e6], mbar: [100], bar: [1e5], psi: [6_894.757293168361], atm: [101_325], mmHg: [133.322387415] },
  'volume flow': {
    'm³/s': [1],
    'm³/min': [1 / 60],
    'm³/h': [1 / 3_600],
    'l/s': [1e-3],
    'l/min': [1e-3 / 60],
    'l/h': [1e-3 / 3_600],
    gpm: [3.785411784e-3 / 60],
    cfm: [0.028316846592 / 60],
  },
  length: { m: [1], km: [1_000], cm: [0.01], mm: [1e-3], µm: [1e-6], in: [0.0254], ft: [0.3048] },
  speed: { 'm/s': [1], 'mm/s': [1e-3], 'm/min': [1 / 60], 'mm/min': [1e-3 / 60], 'km/h': [1 / 3.6], 'in/s': [0.0254], 'ft/min': [0.3048 / 60], mph: [0.44704] },
  acceleration: { 'm/s²': [1], 'mm/s²': [1e-3], g: [9.80665] },
  power: { W: [1], kW: [1_000], MW: [1e6], hp: [745.6998715822702] },
  energy: { J: [1], kJ: [1_000], MJ: [1e6], Wh: [3_600], kWh: [3.6e6], MWh: [3.6e9] },
  frequency: { Hz: [1], kHz: [1_000], rpm: [1 / 60] },
  time: { ms: [1e-3], s: [1], min: [60], h: [3_600] },
  volume: { 'm³': [1], l: [1e-3], gal: [3.785411784e-3] },
  mass: { kg: [1], t: [1_000], lb: [0.45359237] },
  force: { N: [1], kN: [1_000] },
  current: { A: [1], mA: [1e-3] },
};

const aliases: Readonly<Record<string, string>> = {
  degC: '°C',
  degF: '°F',
  'm3/s': 'm³/s',
  'm3/min': 'm³/min',
  'm3/h': 'm³/h',
  'L/s': 'l/s',
  'L/min': 'l/min',
  'L/h': 'l/h',
  um: 'µm',
  μm: 'µm',
  'm/s2': 'm/s²',
  'mm/s2': 'mm/s²',
  m3: 'm³',
  L: 'l',
};

interface UnitEntry {
  readonly quantity: string;
  readonly factor: number;
  readonly offset: number;
}

const units = new Map<string, UnitEntry>();
for (const [quantity, members] of Object.entries(quantities)) {
  for (const [symbol, [factor, offset = 0]] of Object.entries(members)) units.set(symbol, { quantity, factor, offset });
}

/** `to = from × factor + offset`. */
export interface UnitConversion {
  readonly factor: number;
  readonly offset: number;
}

/** The units of each quantity with the ASCII aliases that stand for them (docs/processors.md lists them). */
export function unitsByQuantity(): { quantity: string; units: string[]; aliases: string[] }[] {
  return Object.entries(quantities).map(([quantity, members]) => ({
    quantity,
    units: Object.keys(members),
    aliases: Object.keys(aliases).filter((alias) => (aliases[alias] as string) in members),
  }));
}

/** Every unit symbol and alias the converter accepts. */
export function knownUnits(): string[] {
  return [...units.keys(), ...Object.keys(aliases)];
}

/** The quantity a unit measures (`temperature`), undefined for an unknown unit. */
export function unitQuantity(unit: string): string | undefined {
  return units.get(aliases[unit] ?? unit)?.quantity;
}

/**
 * The conversion between two units, or what is wrong: `{ problem }` names the unknown unit or the
 * two quantities that do not mix.
 */
export function unitConversion(from: string, to: string): UnitConversion | { readonly problem: string } {
  const source = units.get(aliases[from] ?? from);
  const target = units.get(aliases[to] ?? to);
  if (source === undefined) return { problem: `unknown unit "${from}"` };
  if (target === undefined) return { problem: `unknown unit "${to}"` };
  if (source.quantity !== target.quantity)
    return { problem: `"${from}" is ${withArticle(source.quantity)} and "${to}" ${withArticle(target.quantity)}; they do not convert` };
  // base = x × fs + os; to = (base − ot) / ft.
  return { factor: source.factor / target.factor, offset: (source.offset - target.offset) / target.factor };
}

function withArticle(quantity: string): string {
  return `${/^[aeiou]/.test(quantity) ? 'an' : 'a'} ${quantity}`;
}
