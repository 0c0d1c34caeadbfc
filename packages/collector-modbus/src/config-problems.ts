import { tagPathProblem } from '@shopfloor/model';
import type { ModbusCollectorConfig } from './config.ts';
import { modbusDeviceDefaults } from './config.ts';
import { isBitTable, widthOf } from './data-types.ts';

const lastAddress = 65_535;

/**
 * What the schema cannot say about a collector configuration, each problem with its key path:
 * `devices[2].tags[5].type: bool needs a coil or a discrete input, not holding-register 12`.
 * Overlapping registers are allowed (two views of the same words). Empty when all is well.
 */
export function modbusCollectorConfigProblems(config: ModbusCollectorConfig): string[] {
  const problems: string[] = [];
  const deviceIds = new Map<string, number>();
  const tagPaths = new Map<string, string>();
  config.devices.forEach((device, deviceIndex) => {
    const at = `devices[${deviceIndex}]`;
    const sameId = deviceIds.get(device.id);
    if (sameId !== undefined) problems.push(`${at}.id: "${device.id}" is already the id of devices[${sameId}]`);
    else deviceIds.set(device.id, deviceIndex);
    const backoff = device.backoff ?? modbusDeviceDefaults.backoff;
    if (backoff.maxMs < backoff.initialMs) problems.push(`${at}.backoff.maxMs: ${backoff.maxMs} is below backoff.initialMs ${backoff.initialMs}`);
    const maxRegisters = device.maxRegistersPerRead ?? modbusDeviceDefaults.maxRegistersPerRead;
    device.tags.forEach((tag, tagIndex) => {
      const key = `${at}.tags[${tagIndex}]`;
      const pathProblem = tagPathProblem(tag.path);
      if (pathProblem !== undefined) problems.push(`${key}.path: tag path "${tag.path}" ${pathProblem}`);
      const samePath = tagPaths.get(tag.path);
      if (samePath !== undefined) problems.push(`${key}.path: "${tag.path}" is already read by ${samePath}`);
      else tagPaths.set(tag.path, key);
      const bits = isBitTable(tag.table);
      if (bits && tag.type !== 'bool') problems.push(`${key}.type: a ${tag.table} holds one bit, so the type must be bool, not ${tag.type}`);
      if (!bits && tag.type === 'bool') problems.push(`${key}.type: bool needs a coil or a discrete input, not ${tag.table} ${tag.address}`);
      const width = widthOf(tag.type);
      if (tag.address + width - 1 > lastAddress) {
        problems.push(
          `${key}.address: ${tag.type} at ${tag.address} takes ${width} registers and would end at ${tag.address + width - 1}, past ${lastAddress}`,
        );
      }
      if (!bits && width > maxRegisters) problems.push(`${key}.type: ${tag.type} takes ${width} registers but ${at}.maxRegistersPerRead is ${maxRegisters}`);
      if (tag.type === 'bool' && ((tag.scale ?? 1) !== 1 || (tag.offset ?? 0) !== 0))
        problems.push(`${key}.scale: scale and offset apply to numbers, not to bool`);
      if (tag.scale === 0) problems.push(`${key}.scale: 0 would make every value equal the offset`);
    });
  });
  return problems;
}
