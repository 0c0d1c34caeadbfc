/**
 * Uplink (edge → hub store-and-forward), in this process against the machine's nats-server:
 * 1. the wire codec: encode + compress µs/point and bytes/point for simulator tags at 1 Hz, slow
 *    full-precision floats and PLC-style scaled values (raw reference: JSON.stringify of the points);
 * 2. edge → hub over JetStream: appendPoints (durable outbox) → JetStream → receiver → a counting sink,
 *    points/s per core of this process (edge worker + hub), against raw js.publish + consume of the
 *    same encoded messages;
 * 3. a backlog drained beside live data: 20,000 points/s live, the link cut by a fault proxy, then
 *    restored, the hub in a child process: drain rate over live rate, live latency and the edge's
 *    event-loop delay meanwhile.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createSilentLogger } from '@shopfloor/engine';
import type { Decoded, Point } from '@shopfloor/model';
import { createPlant, defaultPlantDescription } from '@shopfloor/simulator';
import { startFaultProxy } from '@shopfloor/testkit';
import {
  createUplink,
  decodeUplinkMessage,
  encodePointsMessage,
  startUplinkReceiver,
  uplinkDefaults,
  uplinkReceiverDefaults,
  type UplinkConfig,
  type UplinkReceiverConfig,
  type UplinkSink,
  type UplinkSource,
} from '@shopfloor/uplink';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { ownCpuUs, processCpuUs } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { count, fixed, median, ms, percentile, ratio, sleep } from './stats.ts';
import type { HubChildProgress } from './uplink-hub-child.ts';

const natsUrl = 'nats://127.0.0.1:4222';
const header = { edgeId: 'bench-edge', stream: '0123456789abcdef', seq: 1, created: 0, klass: 'raw' } as const;

/** Points of a data set, cut into messages of `size` points, time-major (every tag of one second, then the next). */
function messagesOf(points: readonly Point[], size: number): Point[][] {
  const messages: Point[][] = [];
  for (let start = 0; start < points.length; start += size) messages.push(points.slice(start, start + size));
  return messages;
}

function simulatorPoints(seconds: number): Point[] {
  const plant = createPlant(defaultPlantDescription(), { startTime: Date.UTC(2026, 0, 5, 6) });
  const points: Point[] = [];
  for (let second = 0; second < seconds; second++) {
    plant.advance(plant.now + 1_000);
    for (const tag of plant.tags)
      points.push({ tag: tag.path, ts: plant.timestampAt(tag.index), value: plant.valueAt(tag.index), quality: plant.qualityAt(tag.index) });
  }
  return points;
}

function floatPoints(seconds: number, tags: number, decimals: number | undefined): Point[] {
  let state = 12_345;
  const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const levels = Array.from({ length: tags }, (_, index) => 20 + (index % 80));
  const points: Point[] = [];
  for (let second = 0; second < seconds; second++) {
    for (let tag = 0; tag < tags; tag++) {
      const level = (levels[tag] as number) + (random() - 0.5) * 0.05;
      levels[tag] = level;
      const value = decimals === undefined ? level : Math.round(level * 10 ** decimals) / 10 ** decimals;
      points.push({
        tag: `acme/plant1/area${tag % 4}/line${tag % 5}/asset${tag % 20}/t${tag}`,
        ts: 1_767_600_000_000 + second * 1_000,
        value,
        quality: 'good',
      });
    }
  }
  return points;
}

interface CodecFigures {
  readonly encodeUs: number;
  readonly decodeUs: number;
  readonly bytesPerPoint: number;
  readonly jsonUs: number;
  readonly jsonBytesPerPoint: number;
}

function measureCodec(messages: readonly Point[][], seconds: number): CodecFigures {
  const total = messages.reduce((sum, message) => sum + message.length, 0);
  const encoded = messages.map((message) => encodePointsMessage(message, header));
  const timed = (work: () => void): number => {
    const cpu = ownCpuUs();
    const until = performance.now() + seconds * 1_000;
    let points = 0;
    do {
      work();
      points += total;
    } while (performance.now() < until);
    return (ownCpuUs() - cpu) / points;
  };
  let sink = 0;
  const encodeUs = timed(() => {
    for (const message of messages) sink += encodePointsMessage(message, header).length;
  });
  const decodeUs = timed(() => {
    for (const message of encoded) {
      const decoded = decodeUplinkMessage(message);
      if (decoded.kind === 'points') sink += decoded.points.length;
    }
  });
  const jsonUs = timed(() => {
    for (const message of messages) sink += JSON.stringify(message).length;
  });
  if (sink < 0) throw new Error('unreachable');
  return {
    encodeUs,
    decodeUs,
    bytesPerPoint: encoded.reduce((sum, message) => sum + message.length, 0) / total,
    jsonUs,
    jsonBytesPerPoint: messages.reduce((sum, message) => sum + Buffer.byteLength(JSON.stringify(message)), 0) / total,
  };
}

/** A sink that counts and acknowledges on the next turn (the hub's store is measured elsewhere). */
class CountingSink implements UplinkSink {
  points = 0;
  submit(decoded: Decoded, acknowledge: (error?: Error) => void, _source: UplinkSource): void {
    this.points += decoded.accepted.length;
    setImmediate(acknowledge);
  }
}

function findPid(comm: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

let unique = 0;
function names(): { stream: string; subjectPrefix: string; durable: string } {
  const id = `${process.pid}_${Date.now().toString(36)}_${unique++}`;
  return { stream: `UPLINK_BENCH_${id}`, subjectPrefix: `uplinkbench.${id}`, durable: `hub_${id}` };
}

async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

function hubConfig(name: ReturnType<typeof names>): UplinkReceiverConfig {
  return {
    ...uplinkReceiverDefaults,
    transport: { jetstream: { servers: [natsUrl], ...name, maxAckPending: 10_000, ackWaitMs: 30_000, duplicateWindowMs: 120_000, maxStreamBytes: -1 } },
  };
}

function edgeConfig(servers: string[], name: ReturnType<typeof names>, overrides: Partial<UplinkConfig> = {}): UplinkConfig {
  return {
    ...uplinkDefaults,
    transport: { jetstream: { servers, stream: name.stream, subjectPrefix: name.subjectPrefix } },
    maxPointsPerMessage: 2_000,
    windowMessages: 64,
    keepaliveSeconds: 2,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5, stableAfterMs: 2_000 },
    ...overrides,
  };
}

interface Throughput {
  readonly pointsPerSecond: number;
  /** CPU µs per point of this process (edge worker and main thread, hub). */
  readonly cpuUs: number;
  readonly serverCpuUs: number;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`uplink bench: timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** appendPoints → outbox → JetStream → receiver → counting sink, batches of 2,000 points, 8 appends outstanding. */
async function uplinkThroughput(batches: readonly Point[][], natsPid: number | undefined): Promise<Throughput> {
  const name = names();
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-uplink-'));
  const sink = new CountingSink();
  const receiver = await startUplinkReceiver(hubConfig(name), { sink, logger: createSilentLogger(), dataDir: join(dir, 'hub') });
  const uplink = await createUplink(edgeConfig([natsUrl], name), { edgeId: 'bench-edge', dataDir: join(dir, 'edge'), logger: createSilentLogger() });
  try {
    await waitUntil(() => uplink.stats().connected, 10_000, 'the edge to connect');
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    const cpu = ownCpuUs();
    const server = natsPid === undefined ? Number.NaN : processCpuUs(natsPid);
    const started = performance.now();
    const outstanding = new Set<Promise<void>>();
    for (const batch of batches) {
      const append = uplink.appendPoints(batch);
      outstanding.add(append);
      void append.finally(() => outstanding.delete(append));
      if (outstanding.size >= 8) await Promise.race(outstanding);
    }
    await Promise.all(outstanding);
    await waitUntil(() => sink.points >= total, 60_000, `${total} points at the hub`);
    const seconds = (performance.now() - started) / 1_000;
    return {
      pointsPerSecond: total / seconds,
      cpuUs: (ownCpuUs() - cpu) / total,
      serverCpuUs: natsPid === undefined ? Number.NaN : (processCpuUs(natsPid) - server) / total,
    };
  } finally {
    await uplink.close();
    await receiver.close();
    await deleteStream(name.stream);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The raw limit: the same encoded messages, js.publish with 64 outstanding, consumed and acked by a pull consumer. */
async function rawJetStream(messages: readonly Buffer[], pointsPerMessage: number, natsPid: number | undefined): Promise<Throughput> {
  const name = names();
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: name.stream, subjects: [`${name.subjectPrefix}.*`], storage: 'file', retention: 'workqueue' });
    await jsm.consumers.add(name.stream, { durable_name: name.durable, ack_policy: 'explicit', max_ack_pending: 10_000 });
    const js = jetstream(nc);
    const consumer = await js.consumers.get(name.stream, name.durable);
    let received = 0;
    const consuming = await consumer.consume({
      max_messages: 1_000,
      callback: (msg) => {
        received++;
        msg.ack();
      },
    });
    const cpu = ownCpuUs();
    const server = natsPid === undefined ? Number.NaN : processCpuUs(natsPid);
    const started = performance.now();
    const outstanding = new Set<Promise<unknown>>();
    let seq = 0;
    for (const message of messages) {
      const publish = js.publish(`${name.subjectPrefix}.bench`, message, { msgID: `raw:${seq++}` });
      outstanding.add(publish);
      void publish.finally(() => outstanding.delete(publish));
      if (outstanding.size >= 64) await Promise.race(outstanding);
    }
    await Promise.all(outstanding);
    await waitUntil(() => received >= messages.length, 60_000, 'raw messages consumed');
    const seconds = (performance.now() - started) / 1_000;
    const total = messages.length * pointsPerMessage;
    await consuming.close();
    await jsm.streams.delete(name.stream);
    return {
      pointsPerSecond: total / seconds,
      cpuUs: (ownCpuUs() - cpu) / total,
      serverCpuUs: natsPid === undefined ? Number.NaN : (processCpuUs(natsPid) - server) / total,
    };
  } finally {
    await nc.close();
  }
}

interface Drain {
  readonly liveRate: number;
  readonly backlogPoints: number;
  /** From the restore of the link to the first historical batch at the hub (reconnect back-off included). */
  readonly reconnectSeconds: number;
  /** From the first historical batch at the hub to 98 % of the backlog there. */
  readonly drainSeconds: number;
  readonly drainRate: number;
  readonly liveP99Ms: number;
  /** The edge's main event loop (appendPoints, the uplink's main side; the hub runs in another process). */
  readonly loopP99Ms: number;
  /** Time appendPoints takes on the edge's main thread per point (columns + hand-off to the worker; the outbox's work runs in the worker). */
  readonly appendUs: number;
}

/** The hub receiver in a child process; resolves once it consumes. */
async function startHubChild(
  config: UplinkReceiverConfig,
  dataDir: string,
): Promise<{ progress: () => HubChildProgress; latencies: number[]; mark: () => Promise<void>; stop: () => Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./uplink-hub-child.js', import.meta.url)), [JSON.stringify(config), dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let latest: HubChildProgress = { type: 'progress', points: 0, historical: 0, firstHistoricalAt: undefined, lastHistoricalAt: undefined, liveLatencies: [] };
  const latencies: number[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`uplink bench: the hub child exited with ${String(code)}`)));
    child.on('message', (message: HubChildProgress | { type: 'ready' }) => {
      if (message.type === 'ready') resolve();
      else {
        latest = message;
        latencies.push(...message.liveLatencies);
      }
    });
  });
  return {
    progress: () => latest,
    latencies,
    /** Restarts the child's historical counters; resolves once a report after the reset has come back. */
    async mark() {
      child.send({ type: 'mark' });
      latest = { ...latest, historical: Number.NaN };
      await waitUntil(() => !Number.isNaN(latest.historical), 5_000, 'the hub child to reset its counters');
    },
    async stop() {
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** Live load at `liveRate` points/s; the link cut for `outageMs`, then restored while live data keeps flowing. */
async function backlogDrain(liveRate: number, outageMs: number): Promise<Drain> {
  const name = names();
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-uplink-'));
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: 4222 } });
  const hub = await startHubChild(hubConfig(name), join(dir, 'hub'));
  const uplink = await createUplink(edgeConfig([`nats://127.0.0.1:${proxy.port}`], name), {
    edgeId: 'bench-edge',
    dataDir: join(dir, 'edge'),
    logger: createSilentLogger(),
  });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const tags = Array.from({ length: 1_000 }, (_, index) => `acme/plant1/area${index % 4}/line${index % 5}/asset${index % 20}/t${index}`);
  const periodMs = (tags.length / liveRate) * 1_000;
  let running = true;
  let appended = 0;
  let appendMs = 0;
  const live = (async () => {
    let next = performance.now();
    let last = 0;
    while (running) {
      // ts = wall time at append (unique per tag: one batch per period), so the hub can tell live latency.
      const ts = Math.max(Date.now(), last + 1);
      last = ts;
      const points = tags.map((tag, index) => ({ tag, ts, value: 20 + index / 100, quality: 'good' as const }));
      const called = performance.now();
      const durable = uplink.appendPoints(points);
      appendMs += performance.now() - called;
      await durable;
      appended += tags.length;
      next += periodMs;
      await sleep(Math.max(0, next - performance.now()));
    }
  })();
  try {
    await waitUntil(() => uplink.stats().connected, 10_000, 'the edge to connect');
    await sleep(1_000);
    const appendedStart = appended;
    const appendMsStart = appendMs;
    proxy.cut('reset');
    await sleep(outageMs);
    const backlogPoints = (await uplink.readStats()).backlog.points;
    await hub.mark();
    hub.latencies.length = 0;
    loop.enable();
    const restoredAt = Date.now();
    proxy.restore();
    await waitUntil(() => hub.progress().historical >= backlogPoints * 0.98, 120_000, 'the backlog to drain');
    // Live latency over the drain and the second after it (a short drain may see few live batches).
    await sleep(1_000);
    loop.disable();
    const appendUs = ((appendMs - appendMsStart) * 1_000) / Math.max(1, appended - appendedStart);
    const progress = hub.progress();
    const firstAt = progress.firstHistoricalAt ?? restoredAt;
    const drainSeconds = Math.max(0.001, ((progress.lastHistoricalAt ?? Date.now()) - firstAt) / 1_000);
    return {
      liveRate,
      backlogPoints,
      reconnectSeconds: (firstAt - restoredAt) / 1_000,
      drainSeconds,
      drainRate: progress.historical / drainSeconds,
      liveP99Ms: percentile(hub.latencies, 99),
      loopP99Ms: loop.percentile(99) / 1e6,
      appendUs,
    };
  } finally {
    running = false;
    await live;
    await uplink.close();
    await hub.stop();
    await proxy.close();
    await deleteStream(name.stream);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchUplink(context: BenchContext): Promise<BenchResult> {
  const rows: Row[] = [];
  const codecSeconds = context.quick ? 0.2 : 0.5;
  const datasets: { name: string; points: Point[] }[] = [
    { name: 'simulator plant tags at 1 Hz', points: simulatorPoints(context.quick ? 20 : 60) },
    { name: 'slow floats, full precision, 1,000 tags at 1 Hz', points: floatPoints(context.quick ? 10 : 30, 1_000, undefined) },
    { name: 'slow floats, 2 decimals (PLC-scaled), 1,000 tags at 1 Hz', points: floatPoints(context.quick ? 10 : 30, 1_000, 2) },
  ];
  for (const dataset of datasets) {
    const messages = messagesOf(dataset.points, 2_000);
    const runs: CodecFigures[] = [];
    for (const index of runIndexes(context)) {
      const figures = measureCodec(messages, codecSeconds);
      context.log(
        `  uplink codec ${dataset.name} ${runLabel(context, index)}: encode ${fixed(figures.encodeUs, 3)} µs/point, decode ${fixed(figures.decodeUs, 3)} µs/point, ${fixed(figures.bytesPerPoint, 2)} B/point | JSON.stringify ${fixed(figures.jsonUs, 3)} µs/point, ${fixed(figures.jsonBytesPerPoint, 1)} B/point`,
      );
      if (index > 0) runs.push(figures);
    }
    const encode = median(runs.map((run) => run.encodeUs));
    const json = median(runs.map((run) => run.jsonUs));
    const bytes = median(runs.map((run) => run.bytesPerPoint));
    const jsonBytes = median(runs.map((run) => run.jsonBytesPerPoint));
    rows.push({
      measure: `encode + deflate, ${dataset.name} (${count(dataset.points.length)} points, 2,000 a message)`,
      figure: `${fixed(encode, 3)} µs/point`,
      goal: '< 1 µs/point',
      met: encode < 1,
      raw: `${fixed(json, 3)} µs (JSON.stringify)`,
      ratio: ratio(encode, json),
      cpu: `decode ${fixed(median(runs.map((run) => run.decodeUs)), 3)} µs/point`,
      runs: runs.map((run) => fixed(run.encodeUs, 3)).join(' / '),
    });
    rows.push({
      measure: `bytes on the wire, ${dataset.name}`,
      figure: `${fixed(bytes, 2)} B/point`,
      goal: '— (not a goal)',
      met: undefined,
      raw: `${fixed(jsonBytes, 1)} B (JSON)`,
      ratio: ratio(bytes, jsonBytes),
      cpu: '—',
      runs: runs.map((run) => fixed(run.bytesPerPoint, 2)).join(' / '),
    });
  }

  const natsPid = findPid('nats-server');
  const batches = messagesOf(floatPoints(context.quick ? 100 : 400, 1_000, 2), 2_000);
  const encodedForRaw = batches.map((batch) => encodePointsMessage(batch, header));
  const ours: Throughput[] = [];
  const raws: Throughput[] = [];
  for (const index of runIndexes(context)) {
    const mine = await uplinkThroughput(batches, natsPid);
    const reference = await rawJetStream(encodedForRaw, 2_000, natsPid);
    context.log(
      `  uplink JetStream ${runLabel(context, index)}: ${count(mine.pointsPerSecond)} points/s, ${fixed(mine.cpuUs, 3)} µs/point here + ${fixed(mine.serverCpuUs, 3)} nats-server | raw publish+consume ${count(reference.pointsPerSecond)} points/s, ${fixed(reference.cpuUs, 3)} µs/point + ${fixed(reference.serverCpuUs, 3)}`,
    );
    if (index === 0) continue;
    ours.push(mine);
    raws.push(reference);
  }
  const perCore = median(ours.map((run) => 1e6 / run.cpuUs));
  rows.push({
    measure: 'edge → hub over JetStream (appendPoints → outbox → stream → receiver → sink), points/s per core of edge + hub',
    figure: `${count(perCore)} points/s per core (${count(median(ours.map((run) => run.pointsPerSecond)))} points/s wall)`,
    goal: '≥ 500,000 points/s per core',
    met: perCore >= 500_000,
    raw: `${count(median(raws.map((run) => 1e6 / run.cpuUs)))} points/s per core (js.publish + consume, same messages)`,
    ratio: ratio(median(raws.map((run) => run.cpuUs)), median(ours.map((run) => run.cpuUs))),
    cpu: `${fixed(median(ours.map((run) => run.cpuUs)), 3)} + nats-server ${fixed(median(ours.map((run) => run.serverCpuUs)), 3)}`,
    runs: ours.map((run) => count(1e6 / run.cpuUs)).join(' / '),
  });

  const drains: Drain[] = [];
  for (const index of runIndexes(context)) {
    const drain = await backlogDrain(20_000, context.quick ? 3_000 : 8_000);
    context.log(
      `  uplink drain ${runLabel(context, index)}: backlog ${count(drain.backlogPoints)} points drained in ${fixed(drain.drainSeconds, 2)} s (after ${fixed(drain.reconnectSeconds, 2)} s to reconnect) = ${count(drain.drainRate)} points/s beside ${count(drain.liveRate)} live; live p99 ${ms(drain.liveP99Ms)}, edge event loop p99 ${ms(drain.loopP99Ms)}, appendPoints on the main thread ${fixed(drain.appendUs, 3)} µs/point`,
    );
    if (index > 0) drains.push(drain);
  }
  const drainRatio = median(drains.map((drain) => drain.drainRate / drain.liveRate));
  rows.push({
    measure: 'backlog drain beside 20,000 points/s live (link cut, then restored)',
    figure: `${fixed(drainRatio, 1)}× the live rate (${count(median(drains.map((drain) => drain.drainRate)))} points/s once reconnected; reconnect ${fixed(median(drains.map((drain) => drain.reconnectSeconds)), 2)} s after the restore)`,
    goal: '≥ 10× the live rate',
    met: drainRatio >= 10,
    raw: '—',
    ratio: '—',
    cpu: `appendPoints on the edge's main thread ${fixed(median(drains.map((drain) => drain.appendUs)), 3)} µs/point; live p99 ${ms(median(drains.map((drain) => drain.liveP99Ms)))}; edge main-loop delay p99 ${ms(median(drains.map((drain) => drain.loopP99Ms)))}`,
    runs: drains.map((drain) => `${fixed(drain.drainRate / drain.liveRate, 1)}×`).join(' / '),
  });

  return {
    id: 'uplink',
    title: '10. Uplink: wire codec, edge → hub over JetStream, backlog drain',
    setup:
      'In this process against the machine\'s nats-server (JetStream, file storage): the outbox runs in the uplink\'s worker thread, the receiver on the main thread with a sink that acknowledges on the next turn (no point store). Messages of 2,000 points, deflate level 1. "Per core" = points / CPU seconds of this process (all threads); nats-server CPU is listed beside.',
    rows,
    notes: [
      "Codec rows time encodePointsMessage (columnar body + deflate-raw level 1, the outbox's own path) and decodeUplinkMessage; the raw reference is JSON.stringify of the same points.",
      "The drain run keeps appending 20,000 points/s (1,000 tags every 50 ms) while the link is cut by a fault proxy; the hub runs in a child process. The drain time runs from the first historical batch at the hub until 98 % of the backlog is there (the reconnect back-off before it is logged per run). Live p99 is append-to-sink latency of live batches during the drain and the second after it; the edge main-loop delay p99 (monitorEventLoopDelay) is what the edge's rules and alarms would have waited meanwhile.",
    ],
  };
}
