/**
 * The Modbus exception codes the simulator answers with (Modbus Application Protocol v1.1b3, §7).
 * `illegal-function` is answered by modbus-serial itself for function codes it does not serve.
 */
export const modbusExceptionCodes = {
  'illegal-data-address': 0x02,
  'illegal-data-value': 0x03,
  'server-device-failure': 0x04,
  'gateway-path-unavailable': 0x0a,
  'gateway-target-failed-to-respond': 0x0b,
} as const;
export type ModbusExceptionKind = keyof typeof modbusExceptionCodes;

/**
 * An exception response for one request. It never leaves this package: modbus-serial turns any
 * error carrying `modbusErrorCode` into the exception PDU (function code | 0x80, the code).
 */
export class ModbusException extends Error {
  override readonly name = 'ModbusException';
  readonly kind: ModbusExceptionKind;
  readonly modbusErrorCode: number;
  constructor(kind: ModbusExceptionKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
    this.modbusErrorCode = modbusExceptionCodes[kind];
  }
}

/** Recognises the exception by name (not `instanceof`, STYLE.md §7). */
export function isModbusException(error: unknown): error is ModbusException {
  return error instanceof Error && error.name === 'ModbusException' && typeof (error as { modbusErrorCode?: unknown }).modbusErrorCode === 'number';
}
