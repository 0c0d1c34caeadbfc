import { InputError } from '@shopfloor/model';
import type { Plant, SimTag } from '@shopfloor/simulator';
import { planPlcs } from './plc-plan.ts';
import { int16Limits, registerCount, scaleExponent, wordOrder, type RegisterEncoding, type WordOrder } from './register-encoding.ts';

/** The four Modbus tables, in the order of their conventional numbering (0x, 1x, 3x, 4x). */
export const modbusTables = ['coil', 'discrete-input', 'input-register', 'holding-register'] as const;
export type ModbusTable = (typeof modbusTables)[number];
export type ModbusDataType = RegisterEncoding | 'bool';

/** What an entry is: the tag in its own encoding, its INT16 scaled copy, or a read-only copy of another entry. */
export const entryRoles = ['value', 'scaled', 'copy'] as const;
export type EntryRole = (typeof entryRoles)[number];

/**
 * Where the blocks of each table start. Input registers: the tags at 0, their INT16 scaled copies
 * at 10000. Holding registers: the setpoints at 0, their INT16 scaled copies at 10000, and at
 * 20000 + a a read-only copy of input register a (for masters that only read holding registers).
 * Coils: the writable booleans at 0 and at 20000 + a a read-only copy of discrete input a.
 */
export const registerMapLayout = { scaledBase: 10_000, mirrorOffset: 20_000, blockSize: 10_000 } as const;

/** One value in one table of one PLC. A tag has one entry per place it can be read or written. */
export interface RegisterMapEntry {
  readonly plc: string;
  readonly port: number;
  readonly unitId: number;
  readonly table: ModbusTable;
  /** Zero-based protocol (PDU) address of the first register or bit. */
  readonly address: number;
  /** Registers (or bits) the value takes. */
  readonly count: number;
  readonly tag: string;
  readonly tagIndex: number;
  readonly role: EntryRole;
  readonly dataType: ModbusDataType;
  /** Only for 32-bit values. */
  readonly wordOrder?: WordOrder;
  /** raw = round(value × scale): 10^k for INT16 scaled, 1 otherwise. */
  readonly scale: number;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly writable: boolean;
  /** On read-only copies (role "copy"): the entry copied. */
  readonly mirrorOf?: { readonly table: ModbusTable; readonly address: number };
}

export interface PlcMap {
  readonly plc: string;
  readonly port: number;
  readonly unitId: number;
  /** Machine paths, in plant order. */
  readonly machines: readonly string[];
}

/** A tag no table can carry (text), with the reason; nothing is left out silently. */
export interface UnmappedTag {
  readonly plc: string;
  readonly tag: string;
  readonly reason: string;
}

export interface RegisterMap {
  readonly wordOrder: WordOrder;
  readonly plcs: readonly PlcMap[];
  /** Per PLC, by table (coils, discrete inputs, input registers, holding registers), by address. */
  readonly entries: readonly RegisterMapEntry[];
  readonly unmapped: readonly UnmappedTag[];
}

export interface RegisterMapOptions {
  readonly unitId: number;
  /** One PLC per line (default) or, when false, one per cell. */
  readonly perLine?: boolean;
  /** PLC i listens on basePort + i; 0 means ports are chosen at start (the map then says 0). */
  readonly basePort: number;
}

export type MappedPlant = Pick<Plant, 'tags' | 'machines'>;

/** The register map of a plant: the same plant and options always give the same map. */
export function buildRegisterMap(plant: MappedPlant, options: RegisterMapOptions): RegisterMap {
  const plcs: PlcMap[] = [];
  const entries: RegisterMapEntry[] = [];
  const unmapped: UnmappedTag[] = [];
  planPlcs(plant.machines(), options.perLine ?? true).forEach((plan, index) => {
    const plc: PlcMap = {
      plc: plan.plc,
      port: options.basePort === 0 ? 0 : options.basePort + index,
      unitId: options.unitId,
      machines: plan.machines.map((machine) => machine.path),
    };
    const tags = plan.machines.flatMap((machine) => machine.tags.map((tagIndex) => plant.tags[tagIndex] as SimTag));
    const mapped = mapPlc(plc, tags);
    plcs.push(plc);
    entries.push(...mapped.entries);
    unmapped.push(...mapped.unmapped);
  });
  return { wordOrder, plcs, entries, unmapped };
}

/** The same map with the ports the servers actually listen on. */
export function withPorts(map: RegisterMap, ports: ReadonlyMap<string, number>): RegisterMap {
  const portOf = (plc: string): number => ports.get(plc) ?? 0;
  return {
    ...map,
    plcs: map.plcs.map((plc) => ({ ...plc, port: portOf(plc.plc) })),
    entries: map.entries.map((entry) => ({ ...entry, port: portOf(entry.plc) })),
  };
}

function mapPlc(plc: PlcMap, tags: readonly SimTag[]): { entries: RegisterMapEntry[]; unmapped: UnmappedTag[] } {
  const next: Record<'input' | 'inputScaled' | 'holding' | 'holdingScaled' | 'coil' | 'discrete', number> = {
    input: 0,
    inputScaled: registerMapLayout.scaledBase,
    holding: 0,
    holdingScaled: registerMapLayout.scaledBase,
    coil: 0,
    discrete: 0,
  };
  const entries: RegisterMapEntry[] = [];
  const unmapped: UnmappedTag[] = [];
  const add = (tag: SimTag, table: ModbusTable, address: number, dataType: ModbusDataType, scale?: number): number => {
    const count = dataType === 'bool' ? 1 : registerCount(dataType);
    entries.push({
      plc: plc.plc,
      port: plc.port,
      unitId: plc.unitId,
      table,
      address,
      count,
      tag: tag.path,
      tagIndex: tag.index,
      role: scale === undefined ? 'value' : 'scaled',
      dataType,
      ...(count === 2 ? { wordOrder } : {}),
      scale: scale ?? 1,
      ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
      ...(tag.min !== undefined ? { min: tag.min } : {}),
      ...(tag.max !== undefined ? { max: tag.max } : {}),
      writable: tag.writable,
    });
    return address + count;
  };
  for (const tag of tags) {
    switch (tag.dataType) {
      case 'string':
        unmapped.push({ plc: plc.plc, tag: tag.path, reason: 'text has no register encoding' });
        break;
      case 'bool':
        if (tag.writable) next.coil = add(tag, 'coil', next.coil, 'bool');
        else next.discrete = add(tag, 'discrete-input', next.discrete, 'bool');
        break;
      case 'int': {
        const fits = tag.min !== undefined && tag.max !== undefined && tag.min >= int16Limits.min && tag.max <= int16Limits.max;
        if (tag.writable) next.holding = add(tag, 'holding-register', next.holding, fits ? 'int16' : 'int32');
        else next.input = add(tag, 'input-register', next.input, fits ? 'int16' : 'int32');
        break;
      }
      case 'float': {
        const exponent = tag.min !== undefined && tag.max !== undefined ? scaleExponent(tag.min, tag.max) : undefined;
        if (tag.writable) {
          next.holding = add(tag, 'holding-register', next.holding, 'float32');
          if (exponent !== undefined) next.holdingScaled = add(tag, 'holding-register', next.holdingScaled, 'int16', 10 ** exponent);
        } else {
          next.input = add(tag, 'input-register', next.input, 'float32');
          if (exponent !== undefined) next.inputScaled = add(tag, 'input-register', next.inputScaled, 'int16', 10 ** exponent);
        }
        break;
      }
    }
  }
  checkCapacity(plc, 'input registers', next.input, registerMapLayout.blockSize);
  checkCapacity(plc, 'holding registers', next.holding, registerMapLayout.blockSize);
  checkCapacity(plc, 'discrete inputs', next.discrete, registerMapLayout.mirrorOffset);
  checkCapacity(plc, 'coils', next.coil, registerMapLayout.mirrorOffset);
  const mirrors = entries
    .filter((entry) => entry.table === 'input-register' || entry.table === 'discrete-input')
    .map((entry): RegisterMapEntry => ({
      ...entry,
      table: entry.table === 'input-register' ? 'holding-register' : 'coil',
      address: registerMapLayout.mirrorOffset + entry.address,
      role: 'copy',
      writable: false,
      mirrorOf: { table: entry.table, address: entry.address },
    }));
  const all = [...entries, ...mirrors].sort((a, b) => modbusTables.indexOf(a.table) - modbusTables.indexOf(b.table) || a.address - b.address);
  return { entries: all, unmapped };
}

function checkCapacity(plc: PlcMap, what: string, used: number, limit: number): void {
  if (used <= limit) return;
  throw new InputError(
    'SF_CONFIG_INVALID',
    `Modbus PLC "${plc.plc}" needs ${used} ${what} but its block holds ${limit}: it has too many tags for one server; use one PLC per cell (perLine: false)`,
  );
}
