import type { ModbusTable, RegisterMapEntry } from './register-map.ts';

/**
 * The position in `entries` (sorted by address, not overlapping) of the entry that holds
 * `address`, or -1 when no entry does: a binary search, as a PLC may hold thousands of values.
 */
export function entryHolding(entries: readonly RegisterMapEntry[], address: number): number {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const entry = entries[middle] as RegisterMapEntry;
    if (address < entry.address) high = middle - 1;
    else if (address >= entry.address + entry.count) low = middle + 1;
    else return middle;
  }
  return -1;
}

const tableLabels: Record<ModbusTable, readonly [one: string, many: string]> = {
  coil: ['coil', 'coils'],
  'discrete-input': ['discrete input', 'discrete inputs'],
  'input-register': ['input register', 'input registers'],
  'holding-register': ['holding register', 'holding registers'],
};

/** `PLC "acme/plant1/machining/line1" input registers 12–15`, for messages. */
export function describeRange(plc: string, table: ModbusTable, address: number, count: number): string {
  const [one, many] = tableLabels[table];
  return count === 1 ? `PLC "${plc}" ${one} ${address}` : `PLC "${plc}" ${many} ${address}–${address + count - 1}`;
}
