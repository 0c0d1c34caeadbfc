import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger, freePort } from '@shopfloor/testkit';
import { modbusDataTypes, shortestFloat32, startModbusCollector, type ByteOrder, type ModbusCollector, type ModbusTagConfig } from '../src/index.ts';
import {
  createTestPipeline,
  registersOf,
  startImageServer,
  startSilentServer,
  waitFor,
  type ImageServer,
  type NumberType,
  type RecordingStore,
} from './support.ts';

// Three devices on one collector: "image" (a modbus-serial ServerTCP with known values of every
// type in every word/byte order), "restarting" (its server is closed, then started again on the
// same port) and "silent" (accepts TCP, never answers). A fault on one never touches the others.

const orders: [ByteOrder, ByteOrder][] = [
  ['big', 'big'],
  ['little', 'big'],
  ['big', 'little'],
  ['little', 'little'],
];
const sampleOf: Record<NumberType, number> = {
  int16: -1234,
  uint16: 54_321,
  int32: -123_456_789,
  uint32: 4_000_000_000,
  float32: -273.15,
  float64: Math.E,
  int64: -9_007_199_254_740_991,
  uint64: 2 ** 52 + 3,
};
const backoff = { initialMs: 100, maxMs: 400 };

const imageTags: ModbusTagConfig[] = [];
const expectedValues = new Map<string, number | boolean>();
const holding: number[] = [];
for (const type of modbusDataTypes) {
  if (type === 'bool') continue;
  for (const [wordOrder, byteOrder] of orders) {
    const path = `image/${type}/${wordOrder}-word-${byteOrder}-byte`;
    imageTags.push({ path, table: 'holding-register', address: holding.length, type, wordOrder, byteOrder });
    expectedValues.set(path, type === 'float32' ? shortestFloat32(Math.fround(sampleOf[type])) : sampleOf[type]);
    holding.push(...registersOf(type, sampleOf[type], wordOrder, byteOrder));
  }
}
// Input registers: a scaled temperature (raw tenths of a degree, offset −40) and a CDAB float.
const input = [1234, ...registersOf('float32', 0.5, 'little', 'big')];
imageTags.push({ path: 'image/scaled-temperature', table: 'input-register', address: 0, type: 'int16', scale: 0.1, offset: -40, unit: '°C' });
imageTags.push({ path: 'image/cdab-float', table: 'input-register', address: 1, type: 'float32', wordOrder: 'little' });
expectedValues.set('image/scaled-temperature', 83.4);
expectedValues.set('image/cdab-float', 0.5);
const coils = [true, false, true, true, false];
const discrete = [false, true];
coils.forEach((value, address) => {
  imageTags.push({ path: `image/coil-${address}`, table: 'coil', address, type: 'bool' });
  expectedValues.set(`image/coil-${address}`, value);
});
discrete.forEach((value, address) => {
  imageTags.push({ path: `image/discrete-${address}`, table: 'discrete-input', address, type: 'bool' });
  expectedValues.set(`image/discrete-${address}`, value);
});
const image = { holding, input, coils, discrete };

const restartingTags: ModbusTagConfig[] = [
  { path: 'restarting/a', table: 'holding-register', address: 0, type: 'int16' },
  { path: 'restarting/b', table: 'holding-register', address: 2, type: 'float32' },
  { path: 'restarting/flag', table: 'coil', address: 1, type: 'bool' },
];
const silentTags: ModbusTagConfig[] = [
  { path: 'silent/a', table: 'input-register', address: 0, type: 'int16' },
  { path: 'silent/flag', table: 'discrete-input', address: 0, type: 'bool' },
];

let collector: ModbusCollector;
let store: RecordingStore;
let imageServer: ImageServer;
let restartingServer: ImageServer | undefined;
let restartingPort: number;
let silent: Awaited<ReturnType<typeof startSilentServer>>;
const logs = createCapturingLogger();

function counters(id: string) {
  const found = collector.counters().find((device) => device.id === id);
  if (found === undefined) throw new Error(`no device ${id}`);
  return found;
}

function health(id: string) {
  const found = collector.health().devices.find((device) => device.id === id);
  if (found === undefined) throw new Error(`no device ${id}`);
  return found;
}

/** Every one of `tags` has a good point newer than `since`. */
function freshAndGood(tags: readonly ModbusTagConfig[], since: number): boolean {
  return tags.every((tag) => {
    const point = store.newest(tag.path);
    return point !== undefined && point.quality === 'good' && point.ts > since;
  });
}

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  imageServer = await startImageServer(image, ports[0] as number);
  restartingPort = ports[1] as number;
  restartingServer = await startImageServer(image, restartingPort);
  silent = await startSilentServer();
  const test = createTestPipeline();
  store = test.store;
  const common = { host: '127.0.0.1', pollMs: 50, timeoutMs: 200, backoff };
  collector = await startModbusCollector(
    {
      id: 'modbus',
      devices: [
        { id: 'image', port: imageServer.port, ...common, tags: imageTags },
        { id: 'restarting', port: restartingPort, ...common, tags: restartingTags },
        { id: 'silent', port: silent.port, ...common, tags: silentTags },
      ],
    },
    { pipeline: test.pipeline, logger: logs },
  );
});

afterAll(async () => {
  await collector.close();
  await imageServer.close();
  await restartingServer?.close();
  await silent.close();
  // Every socket of the suite is gone (STYLE.md §11).
  await waitFor('sockets to close', () => !process.getActiveResourcesInfo().some((kind) => kind === 'TCPSocketWrap' || kind === 'TCPServerWrap'), 2_000);
});

describe('Modbus collector faults', () => {
  it('decodes every type in every word and byte order from a live server, with scale and offset', async () => {
    await waitFor('the image device to deliver', () => freshAndGood(imageTags, 0));
    const got = Object.fromEntries(imageTags.map((tag) => [tag.path, store.newest(tag.path)?.value]));
    expect(got).toEqual(Object.fromEntries(expectedValues));
    expect(counters('image').groups).toBe(4);
  });

  it('times out on a server that never answers, marks only its tags bad, once, and backs off', async () => {
    await waitFor('the silent device to go bad', () => silentTags.every((tag) => store.newest(tag.path)?.quality === 'bad'));
    expect(silentTags.map((tag) => store.newest(tag.path)?.value)).toEqual([0, false]);
    const wentBad = Date.now();
    await waitFor('the silent device to be dropped and retried', () => counters('silent').connectAttempts >= 3);
    expect(counters('silent').timeouts).toBeGreaterThanOrEqual(2);
    // A poll still waiting (200 ms timeout) when the next is due (50 ms) is skipped and counted.
    expect(counters('silent').overruns).toBeGreaterThan(0);
    expect(health('silent')).toMatchObject({ lastError: expect.stringMatching(/no answer/) as unknown });
    expect(health('silent').errors).toBeGreaterThanOrEqual(2);
    for (const tag of silentTags) expect(store.of(tag.path).filter((point) => point.quality === 'bad')).toHaveLength(1);
    expect(freshAndGood([...imageTags, ...restartingTags], wentBad)).toBe(true);
  });

  it('marks a device whose server closed bad while the others deliver, then recovers on the same port with bounded reconnects', async () => {
    await waitFor('the restarting device to deliver', () => freshAndGood(restartingTags, 0));
    const before = { attempts: counters('restarting').connectAttempts, connects: health('restarting').connects };
    expect(before).toEqual({ attempts: 1, connects: 1 });
    await restartingServer?.close();
    restartingServer = undefined;
    const closedAt = Date.now();
    await waitFor('the restarting device to go bad', () => restartingTags.every((tag) => store.newest(tag.path)?.quality === 'bad'));
    expect(health('restarting')).toMatchObject({ connected: false });
    // Down for a while: reconnect attempts follow the back-off.
    await waitFor(
      'three reconnect attempts, then a wait',
      () => counters('restarting').connectAttempts >= before.attempts + 3 && health('restarting').nextAttemptAt !== undefined,
    );
    expect(health('restarting').nextAttemptAt).toBeGreaterThan(Date.now() - 50);
    expect(freshAndGood(imageTags, closedAt + 100)).toBe(true);
    const attemptsWhileDown = counters('restarting').connectAttempts - before.attempts;
    const downMs = Date.now() - closedAt;
    expect(attemptsWhileDown).toBeLessThanOrEqual(mostAttempts(downMs));

    restartingServer = await startImageServer(image, restartingPort);
    const restartedAt = Date.now();
    await waitFor('the restarting device to deliver again', () => freshAndGood(restartingTags, restartedAt));
    expect(health('restarting')).toMatchObject({ connected: true, connects: 2 });
    expect([store.newest('restarting/a')?.value, store.newest('restarting/flag')?.value]).toEqual([-1234, false]);
    for (const tag of restartingTags) expect(store.of(tag.path).filter((point) => point.quality === 'bad')).toHaveLength(1);
    // Transitions are logged once each, not per poll or per failed attempt.
    const restartingLogs = logs.entries.filter((entry) => entry.meta['device'] === 'restarting' && entry.level !== 'debug').map((entry) => entry.message);
    expect(restartingLogs).toEqual(['modbus device answering', 'modbus device lost; its tags are bad', 'modbus device answering']);
  });
});

/** The most attempts back-off allows in `elapsedMs`: attempt n waits at least half of min(maxMs, initialMs × 2^(n-1)). */
function mostAttempts(elapsedMs: number): number {
  let attempts = 0;
  let at = 0;
  for (;;) {
    at += Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempts) / 2;
    if (at > elapsedMs) return attempts;
    attempts += 1;
  }
}
