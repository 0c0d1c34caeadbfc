import { Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import type { ModbusTable } from './data-types.ts';

// modbus-serial is CommonJS: its client class is `module.exports`, also exported as `.default`.
const ModbusClient = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusClient>;

export interface ModbusConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
  readonly timeoutMs: number;
}

/** Why a request got no data: no answer in time, an exception response, the connection gone, or anything else. */
export type ReadFailureKind = 'timeout' | 'exception' | 'closed' | 'failed';

export type ReadOutcome =
  | { readonly ok: true; readonly table: 'coil' | 'discrete-input'; readonly bits: readonly boolean[] }
  | { readonly ok: true; readonly table: 'holding-register' | 'input-register'; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly kind: ReadFailureKind; readonly message: string };

export interface ModbusConnection {
  /** One request at a time: a read waits for the one before it. Never rejects. */
  read(table: ModbusTable, start: number, count: number): Promise<ReadOutcome>;
  /** Ends the connection (pending requests end as `closed`); resolves when the socket is closed. */
  close(): Promise<void>;
}

/**
 * Opens a Modbus TCP connection: our own socket (so a close is seen at once, and a connect that
 * hangs is given up after `timeoutMs`) handed to modbus-serial's client, whose requests time out
 * after `timeoutMs`. `onClose` is called once when the socket closes for any reason but `close()`.
 */
export async function openModbusConnection(options: ModbusConnectionOptions, onClose: (reason: string) => void): Promise<ModbusConnection> {
  const socket = new Socket();
  let lastSocketError: string | undefined;
  socket.on('error', (error: Error) => {
    lastSocketError = error.message;
  });
  await connectSocket(socket, options);

  const client: ModbusClient = new ModbusClient();
  client.on('error', () => undefined);
  await client.connectTCP(options.host, { port: options.port, socket });
  client.setID(options.unitId);
  client.setTimeout(options.timeoutMs);

  let closedByUs = false;
  let closed = false;
  const pending = new Set<(outcome: ReadOutcome) => void>();
  const socketClosed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closed = true;
      const reason = lastSocketError !== undefined ? `connection closed: ${lastSocketError}` : 'connection closed by the device';
      for (const settle of [...pending]) settle({ ok: false, kind: 'closed', message: reason });
      if (!closedByUs) onClose(reason);
      resolve();
    });
  });
  let queue: Promise<unknown> = Promise.resolve();

  const request = (table: ModbusTable, start: number, count: number): Promise<ReadOutcome> => {
    if (closed) return Promise.resolve({ ok: false, kind: 'closed', message: 'connection closed' });
    return new Promise<ReadOutcome>((resolve) => {
      const settle = (outcome: ReadOutcome): void => {
        if (!pending.delete(settle)) return;
        resolve(outcome);
      };
      pending.add(settle);
      send(client, table, start, count).then(settle, (error: unknown) => settle(failure(error, options.timeoutMs)));
    });
  };

  return {
    read(table, start, count) {
      const outcome = queue.then(() => request(table, start, count));
      queue = outcome;
      return outcome;
    },
    async close() {
      closedByUs = true;
      // destroy (not close) also cancels the timers of requests still waiting for an answer.
      client.destroy(() => undefined);
      await socketClosed;
    },
  };
}

function connectSocket(socket: Socket, options: ModbusConnectionOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.removeListener('connect', done);
      socket.removeListener('error', done);
      if (error === undefined) {
        resolve();
        return;
      }
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => done(new Error(`no TCP connection to ${options.host}:${options.port} within ${options.timeoutMs} ms`)), options.timeoutMs);
    socket.once('connect', done);
    socket.once('error', done);
    socket.connect({ host: options.host, port: options.port });
  });
}

async function send(client: ModbusClient, table: ModbusTable, start: number, count: number): Promise<ReadOutcome> {
  switch (table) {
    case 'coil':
      return { ok: true, table, bits: checkedBits((await client.readCoils(start, count)).data, count) };
    case 'discrete-input':
      return { ok: true, table, bits: checkedBits((await client.readDiscreteInputs(start, count)).data, count) };
    case 'holding-register':
      return { ok: true, table, bytes: checkedBytes((await client.readHoldingRegisters(start, count)).buffer, count) };
    case 'input-register':
      return { ok: true, table, bytes: checkedBytes((await client.readInputRegisters(start, count)).buffer, count) };
  }
}

function checkedBits(bits: boolean[], count: number): boolean[] {
  if (bits.length < count) throw new Error(`the device answered ${bits.length} bits for ${count}`);
  return bits;
}

function checkedBytes(buffer: Buffer, count: number): Uint8Array {
  if (buffer.length !== 2 * count) throw new Error(`the device answered ${buffer.length} bytes for ${count} registers`);
  return buffer;
}

function failure(error: unknown, timeoutMs: number): ReadOutcome {
  const details = error as { modbusCode?: unknown; errno?: unknown; name?: unknown; message?: unknown };
  const message = typeof details.message === 'string' ? details.message : String(error);
  if (typeof details.modbusCode === 'number') return { ok: false, kind: 'exception', message };
  if (details.errno === 'ETIMEDOUT') return { ok: false, kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  if (details.name === 'PortNotOpenError') return { ok: false, kind: 'closed', message: 'connection closed' };
  return { ok: false, kind: 'failed', message };
}
