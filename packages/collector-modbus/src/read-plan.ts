import type { SourceBinding } from '@shopfloor/model';
import { modbusDeviceDefaults, modbusTagDefaults, type ModbusDeviceConfig } from './config.ts';
import { isBitTable, modbusTables, widthOf, type ByteOrder, type ModbusDataType, type ModbusTable } from './data-types.ts';

/** A tag with every default applied, as a read group carries it. */
export interface PlannedTag {
  readonly path: string;
  readonly table: ModbusTable;
  readonly address: number;
  readonly type: ModbusDataType;
  readonly width: number;
  readonly wordOrder: ByteOrder;
  readonly byteOrder: ByteOrder;
  readonly scale: number;
  readonly offset: number;
  readonly pollMs: number;
  /** `{ protocol: 'modbus-tcp', address: 'host:port/unit/table/address' }`. */
  readonly source: SourceBinding;
}

/** One request: `count` registers (or bits) of `table` from `start`, every `pollMs`. */
export interface ModbusReadGroup {
  readonly table: ModbusTable;
  readonly pollMs: number;
  readonly start: number;
  readonly count: number;
  /** By address; each lies wholly inside [start, start + count). */
  readonly tags: readonly PlannedTag[];
}

/**
 * The requests that read a device's tags: tags of one table and poll period whose ranges are
 * adjacent, overlapping or at most `maxGapRegisters` apart share a request, up to
 * `maxRegistersPerRead` registers (`maxBitsPerRead` bits); a value is never split. Groups come by
 * poll period, then table, then address.
 */
export function planModbusReads(device: ModbusDeviceConfig): ModbusReadGroup[] {
  const port = device.port ?? modbusDeviceDefaults.port;
  const unitId = device.unitId ?? modbusDeviceDefaults.unitId;
  const maxGap = device.maxGapRegisters ?? modbusDeviceDefaults.maxGapRegisters;
  const byKey = new Map<string, PlannedTag[]>();
  for (const tag of device.tags) {
    const planned: PlannedTag = {
      path: tag.path,
      table: tag.table,
      address: tag.address,
      type: tag.type,
      width: widthOf(tag.type),
      wordOrder: tag.wordOrder ?? modbusTagDefaults.wordOrder,
      byteOrder: tag.byteOrder ?? modbusTagDefaults.byteOrder,
      scale: tag.scale ?? modbusTagDefaults.scale,
      offset: tag.offset ?? modbusTagDefaults.offset,
      pollMs: tag.pollMs ?? device.pollMs ?? modbusDeviceDefaults.pollMs,
      source: { protocol: 'modbus-tcp', address: `${device.host}:${port}/${unitId}/${tag.table}/${tag.address}` },
    };
    const key = `${planned.pollMs}\u0000${planned.table}`;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [planned]);
    else list.push(planned);
  }
  const groups: ModbusReadGroup[] = [];
  for (const tags of byKey.values()) {
    tags.sort((a, b) => a.address - b.address || a.width - b.width);
    const first = tags[0] as PlannedTag;
    const limit = isBitTable(first.table)
      ? (device.maxBitsPerRead ?? modbusDeviceDefaults.maxBitsPerRead)
      : (device.maxRegistersPerRead ?? modbusDeviceDefaults.maxRegistersPerRead);
    let members: PlannedTag[] = [];
    let start = 0;
    let end = 0;
    const close = (): void => {
      if (members.length > 0) groups.push({ table: first.table, pollMs: first.pollMs, start, count: end - start, tags: members });
    };
    for (const tag of tags) {
      const tagEnd = tag.address + tag.width;
      const joined = Math.max(end, tagEnd);
      if (members.length > 0 && tag.address <= end + maxGap && joined - start <= limit) {
        members.push(tag);
        end = joined;
      } else {
        close();
        members = [tag];
        start = tag.address;
        end = tagEnd;
      }
    }
    close();
  }
  return groups.sort((a, b) => a.pollMs - b.pollMs || modbusTables.indexOf(a.table) - modbusTables.indexOf(b.table) || a.start - b.start);
}
