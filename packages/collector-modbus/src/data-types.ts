import type { ModbusTagConfig } from './config.ts';

/** The four Modbus tables: two of bits, two of 16-bit registers (the schema in config.ts is the source). */
export type ModbusTable = ModbusTagConfig['table'];
export const modbusTables = ['coil', 'discrete-input', 'holding-register', 'input-register'] as const satisfies readonly ModbusTable[];

export type ModbusDataType = ModbusTagConfig['type'];
export const modbusDataTypes = [
  'bool',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'float64',
  'int64',
  'uint64',
] as const satisfies readonly ModbusDataType[];

export type ByteOrder = 'big' | 'little';

/** Coils and discrete inputs hold bits; the register tables hold 16-bit words. */
export function isBitTable(table: ModbusTable): boolean {
  return table === 'coil' || table === 'discrete-input';
}

/** Registers (or bits, for bool) a value of the type takes. */
export function widthOf(type: ModbusDataType): 1 | 2 | 4 {
  switch (type) {
    case 'bool':
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
    case 'int64':
    case 'uint64':
      return 4;
  }
}
