export { startModbusCollector } from './start-modbus-collector.ts';
export type { ModbusCollector, ModbusCollectorDeps } from './start-modbus-collector.ts';
export type { ModbusDeviceCounters } from './device-poller.ts';
export {
  modbusCollectorConfigSchema,
  modbusDeviceConfigSchema,
  modbusTagConfigSchema,
  modbusCollectorDefaults,
  modbusDeviceDefaults,
  modbusTagDefaults,
} from './config.ts';
export type { ModbusCollectorConfig, ModbusDeviceConfig, ModbusTagConfig } from './config.ts';
export { modbusCollectorConfigProblems } from './config-problems.ts';
export { modbusCollectorTags } from './collector-tags.ts';
export { modbusTables, modbusDataTypes, widthOf, isBitTable } from './data-types.ts';
export type { ModbusTable, ModbusDataType, ByteOrder } from './data-types.ts';
export { decodeRegisters, scaleValue, shortestFloat32 } from './decode.ts';
export { planModbusReads } from './read-plan.ts';
export type { ModbusReadGroup, PlannedTag } from './read-plan.ts';
