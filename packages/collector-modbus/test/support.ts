import { createServer, type Server, type Socket } from 'node:net';
import { Pipeline, TagDirectory, createSilentLogger, pipelineDefaults, type PointStore, type WriteReceipt } from '@shopfloor/engine';
import type { Point, TagPath } from '@shopfloor/model';
import { ServerTCP, type IServiceVector } from 'modbus-serial';
import type { ByteOrder, ModbusDataType } from '../src/index.ts';

export type NumberType = Exclude<ModbusDataType, 'bool'>;

/** The value's big-endian bytes (ABCD…), as a device with big word and byte order sends them. */
export function bigEndianBytes(type: NumberType, value: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(8));
  switch (type) {
    case 'int16':
      view.setInt16(0, value);
      return new Uint8Array(view.buffer, 0, 2);
    case 'uint16':
      view.setUint16(0, value);
      return new Uint8Array(view.buffer, 0, 2);
    case 'int32':
      view.setInt32(0, value);
      return new Uint8Array(view.buffer, 0, 4);
    case 'uint32':
      view.setUint32(0, value);
      return new Uint8Array(view.buffer, 0, 4);
    case 'float32':
      view.setFloat32(0, value);
      return new Uint8Array(view.buffer, 0, 4);
    case 'float64':
      view.setFloat64(0, value);
      return new Uint8Array(view.buffer, 0, 8);
    case 'int64':
      view.setBigInt64(0, BigInt(value));
      return new Uint8Array(view.buffer, 0, 8);
    case 'uint64':
      view.setBigUint64(0, BigInt(value));
      return new Uint8Array(view.buffer, 0, 8);
  }
}

/** What a device with the given orders puts on the wire for big-endian bytes. */
export function onTheWire(bytes: Uint8Array, wordOrder: ByteOrder, byteOrder: ByteOrder): number[] {
  const words: number[][] = [];
  for (let index = 0; index < bytes.length; index += 2) words.push([bytes[index] as number, bytes[index + 1] as number]);
  if (wordOrder === 'little') words.reverse();
  if (byteOrder === 'little') for (const word of words) word.reverse();
  return words.flat();
}

/** The registers (16-bit words) a device with the given orders holds for a value. */
export function registersOf(type: NumberType, value: number, wordOrder: ByteOrder, byteOrder: ByteOrder): number[] {
  const bytes = onTheWire(bigEndianBytes(type, value), wordOrder, byteOrder);
  const words: number[] = [];
  for (let index = 0; index < bytes.length; index += 2) words.push(((bytes[index] as number) << 8) | (bytes[index + 1] as number));
  return words;
}

/** A PointStore that keeps every written point in order, for asserting on qualities and values. */
export interface RecordingStore extends PointStore {
  readonly points: Point[];
  /** The newest point of a tag (by timestamp, the later write winning a tie). */
  newest(tag: TagPath): Point | undefined;
  /** The points of a tag, in write order. */
  of(tag: TagPath): Point[];
}

export function createRecordingStore(): RecordingStore {
  const points: Point[] = [];
  const newestByTag = new Map<TagPath, Point>();
  const byTag = new Map<TagPath, Point[]>();
  return {
    points,
    newest: (tag) => newestByTag.get(tag),
    of: (tag) => byTag.get(tag) ?? [],
    async write(batch): Promise<WriteReceipt> {
      for (const point of batch) {
        points.push(point);
        const newest = newestByTag.get(point.tag);
        if (newest === undefined || point.ts >= newest.ts) newestByTag.set(point.tag, point);
        const list = byTag.get(point.tag);
        if (list === undefined) byTag.set(point.tag, [point]);
        else list.push(point);
      }
      return { stored: batch.length, rejected: [] };
    },
    async latest(tags) {
      const found = new Map<TagPath, Point>();
      for (const tag of tags) {
        const point = newestByTag.get(tag);
        if (point !== undefined) found.set(tag, point);
      }
      return found;
    },
    async range(tag, window) {
      return (byTag.get(tag) ?? []).filter((point) => point.ts >= window.from && point.ts < window.to);
    },
    async downsample() {
      return [];
    },
    async aggregate() {
      return [];
    },
    async tags() {
      return [...byTag.keys()];
    },
    async close() {},
  };
}

/** A real Pipeline writing to a recording store. */
export function createTestPipeline(): { pipeline: Pipeline; store: RecordingStore; directory: TagDirectory } {
  const store = createRecordingStore();
  const directory = new TagDirectory();
  const pipeline = new Pipeline(pipelineDefaults, { store, directory, logger: createSilentLogger() });
  return { pipeline, store, directory };
}

/** Polls `condition` every 10 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A TCP server that accepts connections and never answers: every request times out. */
export async function startSilentServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('the silent server has no port');
  return {
    port: address.port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A fixed register image served by modbus-serial's ServerTCP; a read outside it is exception 02. */
export interface RegisterImage {
  readonly holding: readonly number[];
  readonly input: readonly number[];
  readonly coils: readonly boolean[];
  readonly discrete: readonly boolean[];
}

export interface ImageServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `image` on 127.0.0.1:`port` (ServerTCP reads 0 as 502, so take a free port from testkit). */
export async function startImageServer(image: RegisterImage, port: number): Promise<ImageServer> {
  const outside = (): Error => Object.assign(new Error('outside the image'), { modbusErrorCode: 0x02 });
  const word = (table: readonly number[], address: number): number => {
    const value = table[address];
    if (value === undefined) throw outside();
    return value;
  };
  const bit = (table: readonly boolean[], address: number): boolean => {
    const value = table[address];
    if (value === undefined) throw outside();
    return value;
  };
  const vector: IServiceVector = {
    getHoldingRegister: (address: number, _unitId: number) => word(image.holding, address),
    getMultipleHoldingRegisters: (address: number, count: number, _unitId: number) =>
      Array.from({ length: count }, (_, index) => word(image.holding, address + index)),
    getInputRegister: (address: number, _unitId: number) => word(image.input, address),
    getMultipleInputRegisters: (address: number, count: number, _unitId: number) =>
      Array.from({ length: count }, (_, index) => word(image.input, address + index)),
    getCoil: (address: number, _unitId: number) => bit(image.coils, address),
    getDiscreteInput: (address: number, _unitId: number) => bit(image.discrete, address),
  };
  const server = await new Promise<ServerTCP>((resolve, reject) => {
    const candidate = new ServerTCP(vector, { host: '127.0.0.1', port, unitID: 255 });
    candidate.once('serverError', reject);
    candidate.once('initialized', () => resolve(candidate));
  });
  server.on('socketError', () => undefined);
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
