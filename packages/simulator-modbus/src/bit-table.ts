import { describeRange, entryHolding } from './entry-lookup.ts';
import { ModbusException } from './modbus-exception.ts';
import type { RegisterMapEntry } from './register-map.ts';
import { readTag, writeTag, type ServedPlant } from './tag-access.ts';

/**
 * The coils or discrete inputs of one PLC. modbus-serial asks for one bit at a time, so a request
 * for several bits is answered with the exception of the first bit outside the map.
 */
export class BitTable {
  readonly #plc: string;
  readonly #table: 'coil' | 'discrete-input';
  readonly #entries: readonly RegisterMapEntry[];
  readonly #plant: ServedPlant;

  constructor(plc: string, table: 'coil' | 'discrete-input', entries: readonly RegisterMapEntry[], plant: ServedPlant) {
    this.#plc = plc;
    this.#table = table;
    this.#entries = entries.filter((entry) => entry.table === table).sort((a, b) => a.address - b.address);
    this.#plant = plant;
  }

  read(address: number): boolean {
    const where = describeRange(this.#plc, this.#table, address, 1);
    const value = readTag(this.#plant, this.#entry(address, where), where);
    return value === true || (typeof value === 'number' && value !== 0);
  }

  write(address: number, value: boolean): void {
    const where = describeRange(this.#plc, this.#table, address, 1);
    const entry = this.#entry(address, where);
    if (!entry.writable) throw new ModbusException('illegal-data-address', `${where}: tag "${entry.tag}" is read-only`);
    writeTag(this.#plant, entry, value, where);
  }

  #entry(address: number, where: string): RegisterMapEntry {
    const entry = this.#entries[entryHolding(this.#entries, address)];
    if (entry === undefined) throw new ModbusException('illegal-data-address', `${where}: not in the register map`);
    return entry;
  }
}
