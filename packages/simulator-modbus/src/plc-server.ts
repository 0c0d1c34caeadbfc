import { createServer, type AddressInfo } from 'node:net';
import { InputError } from '@shopfloor/model';
import type { Closeable, Logger } from '@shopfloor/engine';
import { ServerTCP, type IServiceVector } from 'modbus-serial';
import { BitTable } from './bit-table.ts';
import { isModbusException, ModbusException } from './modbus-exception.ts';
import type { RegisterMapEntry } from './register-map.ts';
import { RegisterTable } from './register-table.ts';
import type { ServedPlant } from './tag-access.ts';

export interface PlcServerOptions {
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  readonly unitId: number;
}

export interface PlcServer extends Closeable {
  readonly plc: string;
  readonly port: number;
}

/** The unit id that means "this server" on Modbus TCP (Modbus Messaging on TCP/IP, §4.4.2). */
const anyUnit = 0xff;
const freePortAttempts = 5;

/**
 * One Modbus TCP server (modbus-serial's ServerTCP) serving one PLC's entries of the register map.
 * Requests to another unit id get exception 0A (gateway path unavailable) rather than silence.
 */
export async function startPlcServer(
  plc: string,
  entries: readonly RegisterMapEntry[],
  plant: ServedPlant,
  options: PlcServerOptions,
  deps: { logger: Logger },
): Promise<PlcServer> {
  const logger = deps.logger.child({ plc });
  const input = new RegisterTable(plc, 'input-register', entries, plant);
  const holding = new RegisterTable(plc, 'holding-register', entries, plant);
  const coils = new BitTable(plc, 'coil', entries, plant);
  const discrete = new BitTable(plc, 'discrete-input', entries, plant);
  const serve = <T>(unitId: number, answer: () => T): T => {
    try {
      if (unitId !== options.unitId && unitId !== anyUnit) {
        throw new ModbusException('gateway-path-unavailable', `PLC "${plc}": unit id ${unitId} is not served on this port; use unit id ${options.unitId}`);
      }
      return answer();
    } catch (error) {
      if (isModbusException(error)) {
        logger.debug('modbus exception', { code: error.modbusErrorCode, message: error.message });
        throw error;
      }
      logger.error('modbus request failed', { error: (error as Error).message });
      throw new ModbusException('server-device-failure', `PLC "${plc}": ${(error as Error).message}`, { cause: error });
    }
  };
  // Arity matters: modbus-serial calls a vector function with a callback when it declares one more parameter.
  const vector: IServiceVector = {
    getInputRegister: (address: number, unitId: number) => serve(unitId, () => input.read(address, 1)[0] as number),
    getMultipleInputRegisters: (address: number, count: number, unitId: number) => serve(unitId, () => input.read(address, count)),
    getHoldingRegister: (address: number, unitId: number) => serve(unitId, () => holding.read(address, 1)[0] as number),
    getMultipleHoldingRegisters: (address: number, count: number, unitId: number) => serve(unitId, () => holding.read(address, count)),
    setRegister: (address: number, value: number, unitId: number) => serve(unitId, () => holding.write(address, [value])),
    // modbus-serial has already answered a zero-length write with exception 02 and calls on
    // regardless; settling would send a second answer, so this promise never settles.
    setRegisterArray: (address: number, values: number[], unitId: number) =>
      values.length === 0 ? new Promise<void>(() => undefined) : serve(unitId, () => holding.write(address, values)),
    getCoil: (address: number, unitId: number) => serve(unitId, () => coils.read(address)),
    setCoil: (address: number, value: boolean, unitId: number) => serve(unitId, () => coils.write(address, value)),
    getDiscreteInput: (address: number, unitId: number) => serve(unitId, () => discrete.read(address)),
  };
  const { server, port } = await listen(vector, plc, options);
  server.on('socketError', (error: Error | null) => logger.debug('modbus client socket error', { error: error?.message }));
  server.on('error', (error: Error | null) => logger.warn('modbus server error', { error: error?.message }));
  server.on('serverError', (error: Error | null) => logger.error('modbus server error', { error: error?.message }));
  logger.info('modbus PLC listening', { host: options.host, port, unitId: options.unitId, values: entries.length });
  return {
    plc,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function listen(vector: IServiceVector, plc: string, options: PlcServerOptions): Promise<{ server: ServerTCP; port: number }> {
  for (let attempt = 1; ; attempt++) {
    // ServerTCP reads port 0 as "502", so a free port is found first.
    const port = options.port === 0 ? await freePort(options.host) : options.port;
    try {
      return { server: await listenOn(vector, options.host, port), port };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (options.port === 0 && code === 'EADDRINUSE' && attempt < freePortAttempts) continue;
      throw new InputError('SF_CONFIG_INVALID', `Modbus PLC "${plc}" cannot listen on ${options.host}:${port}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function listenOn(vector: IServiceVector, host: string, port: number): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    const server = new ServerTCP(vector, { host, port, unitID: anyUnit });
    const onError = (error: Error): void => {
      server.removeListener('initialized', onReady);
      reject(error);
    };
    const onReady = (): void => {
      server.removeListener('serverError', onError);
      resolve(server);
    };
    server.once('serverError', onError);
    server.once('initialized', onReady);
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
