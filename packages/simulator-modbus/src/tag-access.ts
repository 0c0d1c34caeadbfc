import { isShopfloorError, type PointValue } from '@shopfloor/model';
import type { Plant } from '@shopfloor/simulator';
import { ModbusException } from './modbus-exception.ts';
import type { RegisterMapEntry } from './register-map.ts';

/** What a Modbus server needs of the plant. */
export type ServedPlant = Pick<Plant, 'tags' | 'machines' | 'valueAt' | 'qualityAt' | 'write'>;

/**
 * The current value of an entry's tag. A tag of bad quality (its machine's link is dropped) is
 * answered as a gateway would answer for a device that does not respond: exception 0B.
 */
export function readTag(plant: ServedPlant, entry: RegisterMapEntry, where: string): PointValue {
  if (plant.qualityAt(entry.tagIndex) === 'bad') {
    throw new ModbusException('gateway-target-failed-to-respond', `${where}: tag "${entry.tag}" has bad quality (its machine does not answer)`);
  }
  return plant.valueAt(entry.tagIndex);
}

/** The tag's value as a number, for registers; a text value here is a broken map (exception 04). */
export function readNumber(plant: ServedPlant, entry: RegisterMapEntry, where: string): number {
  const value = readTag(plant, entry, where);
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new ModbusException('server-device-failure', `${where}: tag "${entry.tag}" holds text ${JSON.stringify(value)}, which no register can carry`);
}

/** Checks a written number against the entry's range: exception 03 when it is outside. */
export function checkRange(entry: RegisterMapEntry, value: number, where: string): void {
  const outside = !Number.isFinite(value) || (entry.min !== undefined && value < entry.min) || (entry.max !== undefined && value > entry.max);
  if (!outside) return;
  const range = `${entry.min ?? '-∞'} to ${entry.max ?? '∞'}${entry.unit !== undefined ? ` ${entry.unit}` : ''}`;
  throw new ModbusException('illegal-data-value', `${where}: value ${value} for tag "${entry.tag}" is outside ${range}`);
}

/** Writes a setpoint: the plant refusing the value is exception 03, anything else 04. */
export function writeTag(plant: ServedPlant, entry: RegisterMapEntry, value: PointValue, where: string): void {
  if (plant.qualityAt(entry.tagIndex) === 'bad') {
    throw new ModbusException('gateway-target-failed-to-respond', `${where}: tag "${entry.tag}" has bad quality (its machine does not answer)`);
  }
  try {
    plant.write(entry.tag, value);
  } catch (error) {
    if (isShopfloorError(error) && error.name === 'InputError') throw new ModbusException('illegal-data-value', `${where}: ${error.message}`, { cause: error });
    throw new ModbusException('server-device-failure', `${where}: writing tag "${entry.tag}" failed: ${(error as Error).message}`, { cause: error });
  }
}
