import { schemaProblems, type Collector, type CollectorHealth, type Logger, type Pipeline } from '@shopfloor/engine';
import { InputError } from '@shopfloor/model';
import { modbusCollectorConfigSchema, type ModbusCollectorConfig } from './config.ts';
import { modbusCollectorConfigProblems } from './config-problems.ts';
import { DevicePoller, type ModbusDeviceCounters } from './device-poller.ts';

export interface ModbusCollectorDeps {
  readonly pipeline: Pick<Pipeline, 'submit' | 'ready'>;
  readonly logger: Logger;
  /** Clock for point timestamps and health (epoch ms); Date.now by default. */
  readonly now?: () => number;
  /** Jitter source for reconnect back-off, in [0, 1); Math.random by default. */
  readonly random?: () => number;
}

export interface ModbusCollector extends Collector {
  /** Per-device counters: requests, points, polls, overruns, timeouts, exceptions, connect attempts. */
  counters(): ModbusDeviceCounters[];
}

/**
 * Starts polling every device of the configuration, each on its own Modbus TCP connection, and
 * submits what it reads to the pipeline. Resolves at once: a device that is down is retried with
 * back-off, its tags marked bad. An invalid configuration is an InputError (SF_CONFIG_INVALID)
 * naming every problem by key path.
 */
export async function startModbusCollector(config: ModbusCollectorConfig, deps: ModbusCollectorDeps): Promise<ModbusCollector> {
  const problems = schemaProblems(modbusCollectorConfigSchema, config, () => 'config').map(
    (problem) => `${problem.path}: expected ${problem.expected}, found ${problem.found}`,
  );
  if (problems.length === 0) problems.push(...modbusCollectorConfigProblems(config));
  if (problems.length > 0) {
    throw new InputError('SF_CONFIG_INVALID', `Modbus collector "${config.id}" configuration: ${problems.join('; ')}`);
  }
  const logger = deps.logger.child({ collector: config.id });
  const pollerDeps = { pipeline: deps.pipeline, logger, now: deps.now ?? Date.now, random: deps.random ?? Math.random };
  const devices = config.devices.map((device) => new DevicePoller(device, pollerDeps));
  for (const device of devices) device.start();
  logger.info('modbus collector started', { devices: devices.length, requestsPerPoll: devices.reduce((sum, device) => sum + device.counters().groups, 0) });
  let closing: Promise<void> | undefined;
  return {
    id: config.id,
    health(): CollectorHealth {
      const perDevice = devices.map((device) => device.health());
      const lastGood = perDevice.reduce<number | undefined>((latest, device) => Math.max(latest ?? 0, device.lastGoodReadAt ?? 0) || undefined, undefined);
      return {
        id: config.id,
        kind: 'modbus-tcp',
        connected: perDevice.every((device) => device.connected),
        ...(lastGood !== undefined ? { lastGoodReadAt: lastGood } : {}),
        errors: perDevice.reduce((sum, device) => sum + device.errors, 0),
        devices: perDevice,
      };
    },
    counters: () => devices.map((device) => device.counters()),
    close() {
      closing ??= Promise.all(devices.map((device) => device.close())).then(() => logger.info('modbus collector stopped'));
      return closing;
    },
  };
}
