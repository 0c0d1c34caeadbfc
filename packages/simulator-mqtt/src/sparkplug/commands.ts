import type { Logger } from '@shopfloor/engine';
import type { Plant } from '@shopfloor/simulator';
import { nodeMetricAliases, rebirthMetricName } from './births.ts';
import { firstDeviceAlias, type DeviceEntry, type MetricTable } from './metric-table.ts';
import { commandValue } from './metric-types.ts';
import type { decodePayload, MetricMessage } from './payload-codec.ts';

type DecodedPayload = NonNullable<ReturnType<typeof decodePayload>>;

/** Does an NCMD ask for a Rebirth (`Node Control/Rebirth` = true, by name or by its alias)? */
export function asksForRebirth(payload: DecodedPayload): boolean {
  return payload.metrics.some((metric) => {
    const named = Object.hasOwn(metric, 'name') ? metric.name === rebirthMetricName : aliasOf(metric) === nodeMetricAliases.rebirth;
    return named && Object.hasOwn(metric, 'booleanValue') && metric.booleanValue === true;
  });
}

/**
 * A DCMD writes setpoints: each metric, by alias or name, must be a writable tag of the device and
 * carry a value of its datatype; the plant checks the range. What cannot be written is logged and
 * skipped. Returns how many writes were applied.
 */
export function applyDeviceCommand(plant: Plant, table: MetricTable, device: DeviceEntry, payload: DecodedPayload, logger: Logger): number {
  let applied = 0;
  for (const metric of payload.metrics) {
    const index = tagOf(table, device, metric);
    const tag = index === undefined ? undefined : plant.tags[index];
    if (index === undefined || tag === undefined) {
      logger.warn('DCMD names no metric of the device; ignored', { device: device.id, name: metric.name, alias: aliasOf(metric) });
      continue;
    }
    if (!tag.writable) {
      logger.warn('DCMD writes a metric that is not a setpoint; ignored', { device: device.id, metric: tag.name });
      continue;
    }
    const value = commandValue(table.types[index] as (typeof table.types)[number], metric);
    if (value === undefined) {
      logger.warn("DCMD carries no value of the metric's datatype; ignored", { device: device.id, metric: tag.name, datatype: table.types[index] });
      continue;
    }
    try {
      plant.write(tag.path, value);
      applied++;
    } catch (error) {
      logger.warn('DCMD setpoint refused by the plant', { device: device.id, metric: tag.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return applied;
}

function tagOf(table: MetricTable, device: DeviceEntry, metric: MetricMessage): number | undefined {
  const alias = aliasOf(metric);
  if (alias !== undefined) {
    const index = alias - firstDeviceAlias;
    return device.tags.includes(index) ? index : undefined;
  }
  if (Object.hasOwn(metric, 'name')) return device.tags.find((index) => table.names[index] === metric.name);
  return undefined;
}

function aliasOf(metric: MetricMessage): number | undefined {
  if (!Object.hasOwn(metric, 'alias')) return undefined;
  const alias: unknown = metric.alias;
  if (typeof alias === 'number') return alias;
  if (typeof alias === 'object' && alias !== null && 'low' in alias && 'high' in alias) {
    const { low, high } = alias as { low: number; high: number };
    return (high >>> 0) * 2 ** 32 + (low >>> 0);
  }
  return undefined;
}
