import { describeRange, entryHolding } from './entry-lookup.ts';
import { ModbusException } from './modbus-exception.ts';
import { decodeRegisters, encodeRegisters, type RegisterEncoding } from './register-encoding.ts';
import type { ModbusTable, RegisterMapEntry } from './register-map.ts';
import { checkRange, readNumber, writeTag, type ServedPlant } from './tag-access.ts';

/** Most registers one request may read (FC 3, 4) or write (FC 16), per the Modbus specification. */
export const registerLimits = { read: 125, write: 123 } as const;

/**
 * The input or holding registers of one PLC. A request must lie wholly inside the map (exception
 * 02 otherwise); a read may start or end inside a 32-bit value, a write must cover whole values.
 */
export class RegisterTable {
  readonly #plc: string;
  readonly #table: ModbusTable;
  readonly #entries: readonly RegisterMapEntry[];
  readonly #plant: ServedPlant;

  constructor(plc: string, table: 'input-register' | 'holding-register', entries: readonly RegisterMapEntry[], plant: ServedPlant) {
    this.#plc = plc;
    this.#table = table;
    this.#entries = entries.filter((entry) => entry.table === table).sort((a, b) => a.address - b.address);
    this.#plant = plant;
  }

  read(address: number, count: number): number[] {
    const where = describeRange(this.#plc, this.#table, address, count);
    if (count < 1 || count > registerLimits.read)
      throw new ModbusException('illegal-data-value', `${where}: a read takes 1 to ${registerLimits.read} registers, not ${count}`);
    const registers: number[] = [];
    let position = this.#first(address, where);
    let next = address;
    while (registers.length < count) {
      const entry = this.#entryAt(position++, next, where);
      const words = encodeRegisters(readNumber(this.#plant, entry, where), entry.dataType as RegisterEncoding, entry.scale);
      for (let word = next - entry.address; word < entry.count && registers.length < count; word++, next++) registers.push(words[word] as number);
    }
    return registers;
  }

  /** Checks the whole request first, then writes each value: one bad value writes nothing. */
  write(address: number, registers: readonly number[]): void {
    const where = describeRange(this.#plc, this.#table, address, registers.length);
    if (registers.length < 1 || registers.length > registerLimits.write) {
      throw new ModbusException('illegal-data-value', `${where}: a write takes 1 to ${registerLimits.write} registers, not ${registers.length}`);
    }
    const writes: { entry: RegisterMapEntry; value: number }[] = [];
    let position = this.#first(address, where);
    let next = address;
    while (next < address + registers.length) {
      const entry = this.#entryAt(position++, next, where);
      if (entry.address !== next || entry.address + entry.count > address + registers.length) {
        throw new ModbusException(
          'illegal-data-address',
          `${where}: tag "${entry.tag}" takes registers ${entry.address}–${entry.address + entry.count - 1}; write both in one request`,
        );
      }
      if (!entry.writable) throw new ModbusException('illegal-data-address', `${where}: register ${entry.address} (tag "${entry.tag}") is read-only`);
      const value = decodeRegisters(registers.slice(next - address, next - address + entry.count), entry.dataType as RegisterEncoding, entry.scale);
      checkRange(entry, value, where);
      writes.push({ entry, value });
      next += entry.count;
    }
    for (const { entry, value } of writes) writeTag(this.#plant, entry, value, where);
  }

  #first(address: number, where: string): number {
    const position = entryHolding(this.#entries, address);
    if (position < 0) throw new ModbusException('illegal-data-address', `${where}: register ${address} is not in the register map`);
    return position;
  }

  /** The entry at `position`, which must hold `address` (the map has no gap there). */
  #entryAt(position: number, address: number, where: string): RegisterMapEntry {
    const entry = this.#entries[position];
    if (entry === undefined || address < entry.address || address >= entry.address + entry.count) {
      throw new ModbusException('illegal-data-address', `${where}: register ${address} is not in the register map`);
    }
    return entry;
  }
}
