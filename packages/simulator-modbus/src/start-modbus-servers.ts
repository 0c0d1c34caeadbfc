import { ResourceStack, type Closeable, type Logger } from '@shopfloor/engine';
import { InputError } from '@shopfloor/model';
import { startPlcServer } from './plc-server.ts';
import { buildRegisterMap, withPorts, type RegisterMap, type RegisterMapEntry } from './register-map.ts';
import type { ServedPlant } from './tag-access.ts';

export interface ModbusServersOptions {
  /** Interface to listen on, e.g. `127.0.0.1` or `0.0.0.0`. */
  readonly host: string;
  /** PLC i listens on basePort + i; 0: each PLC on a free port. */
  readonly basePort: number;
  /** The unit id every PLC answers to (255 is always answered too). */
  readonly unitId: number;
  /** One PLC per line (default) or, when false, one per cell. */
  readonly perLine?: boolean;
}

export interface ModbusServersDeps {
  readonly logger: Logger;
}

export interface ModbusServerInfo {
  /** The PLC's name: its line (or cell) path. */
  readonly plc: string;
  readonly port: number;
  /** Machine paths behind this PLC. */
  readonly machines: string[];
}

export interface ModbusServers extends Closeable {
  readonly servers: ModbusServerInfo[];
  /** The register map, with the ports the servers listen on. */
  readonly registerMap: RegisterMap;
}

/**
 * Starts one Modbus TCP server per PLC of the plant, each serving its machines' tags through the
 * register map (docs/modbus-register-map.md). Reads see the plant's current values; writes to
 * setpoints go to `plant.write`. Closing stops every server.
 */
export async function startModbusServers(plant: ServedPlant, options: ModbusServersOptions, deps: ModbusServersDeps): Promise<ModbusServers> {
  checkOptions(options);
  const planned = buildRegisterMap(plant, {
    unitId: options.unitId,
    basePort: options.basePort,
    ...(options.perLine !== undefined ? { perLine: options.perLine } : {}),
  });
  const lastPort = options.basePort + planned.plcs.length - 1;
  if (options.basePort > 0 && lastPort > 65_535) {
    throw new InputError(
      'SF_CONFIG_INVALID',
      `Modbus server option basePort: ${planned.plcs.length} PLCs from port ${options.basePort} would need ports up to ${lastPort}`,
    );
  }
  const entriesByPlc = new Map<string, RegisterMapEntry[]>(planned.plcs.map((plc) => [plc.plc, []]));
  for (const entry of planned.entries) entriesByPlc.get(entry.plc)?.push(entry);
  const owned = new ResourceStack();
  const ports = new Map<string, number>();
  try {
    for (const plc of planned.plcs) {
      const server = owned.add(
        await startPlcServer(
          plc.plc,
          entriesByPlc.get(plc.plc) ?? [],
          plant,
          { host: options.host, port: plc.port, unitId: options.unitId },
          { logger: deps.logger.child({ part: 'modbus' }) },
        ),
      );
      ports.set(plc.plc, server.port);
    }
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
  const registerMap = withPorts(planned, ports);
  return {
    servers: registerMap.plcs.map((plc) => ({ plc: plc.plc, port: plc.port, machines: [...plc.machines] })),
    registerMap,
    close: () => owned.close(),
  };
}

function checkOptions(options: ModbusServersOptions): void {
  const problem = (key: string, expected: string, found: unknown): InputError =>
    new InputError('SF_CONFIG_INVALID', `Modbus server option ${key}: expected ${expected}, found ${JSON.stringify(found)}`);
  if (!Number.isInteger(options.unitId) || options.unitId < 1 || options.unitId > 255) throw problem('unitId', 'an integer from 1 to 255', options.unitId);
  if (!Number.isInteger(options.basePort) || options.basePort < 0 || options.basePort > 65_535)
    throw problem('basePort', 'an integer from 0 to 65535', options.basePort);
  if (typeof options.host !== 'string' || options.host === '') throw problem('host', 'an interface address such as "127.0.0.1" or "0.0.0.0"', options.host);
}
