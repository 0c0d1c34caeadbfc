export { startModbusServers } from './start-modbus-servers.ts';
export type { ModbusServers, ModbusServersOptions, ModbusServersDeps, ModbusServerInfo } from './start-modbus-servers.ts';
export { buildRegisterMap, modbusTables, registerMapLayout, entryRoles } from './register-map.ts';
export type {
  RegisterMap,
  RegisterMapEntry,
  RegisterMapOptions,
  PlcMap,
  UnmappedTag,
  ModbusTable,
  ModbusDataType,
  MappedPlant,
  EntryRole,
} from './register-map.ts';
export { wordOrder, registerEncodings, encodeRegisters, decodeRegisters, scaleExponent } from './register-encoding.ts';
export type { WordOrder, RegisterEncoding } from './register-encoding.ts';
export { modbusExceptionCodes } from './modbus-exception.ts';
export type { ModbusExceptionKind } from './modbus-exception.ts';
export { registerLimits } from './register-table.ts';
export type { ServedPlant } from './tag-access.ts';
export { registerMapMarkdown } from './register-map-doc.ts';
