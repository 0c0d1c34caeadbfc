import { modbusDeviceDefaults, type ModbusCollectorConfig } from '@shopfloor/collector-modbus';
import type { EntryRole, RegisterMap, RegisterMapEntry, WordOrder } from '@shopfloor/simulator-modbus';

export interface ModbusFromRegisterMapOptions {
  /** Where the simulator's Modbus servers listen, as the edge reaches them. */
  readonly host: string;
  readonly pollMs: number;
  readonly timeoutMs?: number;
  /**
   * Which entries become tags. `value` (the default) reads every mapped tag once, under the
   * plant's own path; `scaled` adds `<path>:scaled` (the INT16 scaled copy), `copy` adds
   * `<path>:copy` and `<path>:scaled-copy` (the read-only mirrors in the holding registers and coils).
   */
  readonly roles?: readonly EntryRole[];
}

type DeviceConfig = ModbusCollectorConfig['devices'][number];
type TagConfig = DeviceConfig['tags'][number];

/**
 * One Modbus device per PLC of the simulator's register map (docs/modbus-register-map.md), each
 * entry a tag with its table, address, type, word order and scale, so an edge can poll the
 * simulated plant. Pass the map of the running servers (`ModbusServers.registerMap`): it holds the
 * ports they listen on.
 */
export function modbusDevicesFromRegisterMap(map: RegisterMap, options: ModbusFromRegisterMapOptions): ModbusCollectorConfig['devices'] {
  const roles = new Set<EntryRole>(options.roles ?? ['value']);
  const orders = ordersOf(map.wordOrder);
  return map.plcs.map((plc): DeviceConfig => {
    const entries = map.entries.filter((entry) => entry.plc === plc.plc);
    const roleAt = new Map(entries.map((entry) => [`${entry.table}/${entry.address}`, entry.role]));
    return {
      id: plc.plc,
      host: options.host,
      port: plc.port,
      unitId: plc.unitId,
      pollMs: options.pollMs,
      timeoutMs: options.timeoutMs ?? modbusDeviceDefaults.timeoutMs,
      tags: entries
        .filter((entry) => roles.has(entry.role))
        .map((entry): TagConfig => ({
          path: pathOf(entry, roleAt),
          table: entry.table,
          address: entry.address,
          type: entry.dataType,
          ...orders,
          // The map says raw = value × scale; the collector computes value = raw × scale.
          scale: 1 / entry.scale,
          offset: 0,
          ...(entry.unit !== undefined ? { unit: entry.unit } : {}),
        })),
    };
  });
}

function pathOf(entry: RegisterMapEntry, roleAt: ReadonlyMap<string, EntryRole>): string {
  switch (entry.role) {
    case 'value':
      return entry.tag;
    case 'scaled':
      return `${entry.tag}:scaled`;
    case 'copy': {
      const copied = entry.mirrorOf !== undefined ? roleAt.get(`${entry.mirrorOf.table}/${entry.mirrorOf.address}`) : undefined;
      return `${entry.tag}:${copied === 'scaled' ? 'scaled-copy' : 'copy'}`;
    }
  }
}

function ordersOf(wordOrder: WordOrder): Pick<TagConfig, 'wordOrder' | 'byteOrder'> {
  switch (wordOrder) {
    case 'ABCD':
      return { wordOrder: 'big', byteOrder: 'big' };
  }
}
