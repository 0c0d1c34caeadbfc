import { spawn, type ChildProcess } from 'node:child_process';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, scalePlant, type Plant } from '@shopfloor/simulator';
import { startJsonPublisher, startSparkplugEdgeNode, type JsonBatching } from '../src/index.ts';
import { until } from './live-mosquitto-sub.ts';

/**
 * The MQTT publishing benchmark (issue 4: ≥ 100,000 tags/s over MQTT from one process). A scaled
 * default plant, a broker, and a subscriber in another process that only counts what it receives.
 * Each run publishes `ticks` simulated seconds as fast as the broker takes them: after a tick the
 * loop waits until the publisher's window is open again, so nothing is coalesced. The plant's own
 * `advance` is timed apart: the figures are the publisher's.
 */
export type ThroughputProtocol = { type: 'json'; qos: 0 | 1; batching: JsonBatching } | { type: 'sparkplug' };

export interface ThroughputRun {
  readonly protocol: string;
  readonly tags: number;
  readonly ticks: number;
  readonly messages: number;
  /** Tag values published (Sparkplug: metrics, changes only). */
  readonly values: number;
  /** Values per second of publishing wall time (plant.advance excluded). */
  readonly valuesPerSecond: number;
  /** Publisher CPU (process.cpuUsage, plant.advance excluded) per value. */
  readonly cpuMicrosPerValue: number;
  /** CPU µs per second to publish 10,000 values per second. */
  readonly cpuMicrosPer10kPerSecond: number;
  /** Messages the counting subscriber received (equal to `messages` unless the broker dropped some). */
  readonly received: number;
  readonly advanceMs: number;
}

/** A plant of about `machinesPerLine` × 2 lines × ~29 tags, stepped once per simulated second. */
export function benchPlant(machinesPerLine: number): Plant {
  return createPlant(scalePlant(defaultPlantDescription(), machinesPerLine), { startTime: Date.parse('2026-01-05T06:00:00Z'), stepMs: 1_000 });
}

/** A subscriber process that counts messages on `#` and reports the count on request. */
export async function startCountingSubscriber(url: string): Promise<{ count(): Promise<number>; close(): Promise<void> }> {
  const script = `
    import mqtt from 'mqtt';
    const client = await mqtt.connectAsync(${JSON.stringify(url)}, { clean: true, reconnectPeriod: 0 });
    let count = 0;
    client.on('message', () => { count++; });
    await client.subscribeAsync('#', { qos: 0 });
    process.stdout.write('ready\\n');
    process.stdin.on('data', () => process.stdout.write(count + '\\n'));
  `;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'], cwd: process.cwd() });
  const lines: string[] = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter((line) => line.length > 0)));
  await until(() => lines.includes('ready'), 'the counting subscriber');
  return {
    async count() {
      const before = lines.length;
      child.stdin?.write('?\n');
      await until(() => lines.length > before, 'the subscriber count');
      return Number(lines[lines.length - 1]);
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Publisher {
  publishDue(simTimeMs: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  sent(): { messages: number; values: number; coalesced: number };
}

async function startPublisher(plant: Plant, url: string, protocol: ThroughputProtocol): Promise<Publisher> {
  const logger = createSilentLogger();
  if (protocol.type === 'sparkplug') {
    const node = await startSparkplugEdgeNode(plant, { url, groupId: 'bench', edgeNodeId: 'sim', devices: 'per-machine' }, { logger });
    await until(() => node.phase === 'online', 'the births');
    return {
      publishDue: (at) => node.publishDue(at),
      flush: () => node.flush(),
      close: () => node.close(),
      sent: () => {
        const counters = node.counters();
        return { messages: counters.messagesSent, values: counters.metricsSent, coalesced: counters.coalesced };
      },
    };
  }
  const publisher = await startJsonPublisher(
    plant,
    { url, clientId: `bench-json-${protocol.qos}-${protocol.batching}`, ...protocol, maxInFlight: 20_000 },
    { logger },
  );
  return {
    publishDue: (at) => publisher.publishDue(at),
    async flush() {
      await publisher.flush();
    },
    close: () => publisher.close(),
    sent: () => {
      const counters = publisher.counters();
      return { messages: counters.messagesSent, values: counters.tagsSent, coalesced: counters.tagsCoalesced };
    },
  };
}

function protocolName(protocol: ThroughputProtocol): string {
  return protocol.type === 'sparkplug' ? 'Sparkplug B DDATA per machine' : `JSON ${protocol.batching} QoS ${protocol.qos}`;
}

/** Publishes `ticks` simulated seconds of `plant` as fast as the broker takes them. */
export async function measureThroughput(plant: Plant, url: string, protocol: ThroughputProtocol, ticks: number): Promise<ThroughputRun> {
  const subscriber = await startCountingSubscriber(url);
  const publisher = await startPublisher(plant, url, protocol);
  await publisher.flush();
  const before = publisher.sent();
  // The births (Sparkplug) reach the subscriber before the measurement starts.
  let receivedBefore = await subscriber.count();
  for (let wait = 0; wait < 100 && receivedBefore < before.messages; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    receivedBefore = await subscriber.count();
  }
  let advanceMicros = 0;
  let advanceCpu = 0;
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let at = plant.now;
  for (let tick = 0; tick < ticks; tick++) {
    at += 1_000;
    const advanceStart = process.hrtime.bigint();
    const advanceCpuStart = process.cpuUsage();
    plant.advance(at);
    const advanceCpuUsed = process.cpuUsage(advanceCpuStart);
    advanceCpu += advanceCpuUsed.user + advanceCpuUsed.system;
    advanceMicros += Number(process.hrtime.bigint() - advanceStart) / 1_000;
    publisher.publishDue(at);
    await publisher.flush();
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallMicros = Number(process.hrtime.bigint() - wallStart) / 1_000 - advanceMicros;
  const after = publisher.sent();
  const values = after.values - before.values;
  const messages = after.messages - before.messages;
  if (after.coalesced !== before.coalesced)
    throw new Error(`${after.coalesced - before.coalesced} samples were coalesced: the loop should wait for the window`);
  let received = await subscriber.count();
  for (let wait = 0; wait < 100 && received - receivedBefore < messages; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    received = await subscriber.count();
  }
  await publisher.close();
  await subscriber.close();
  const cpuMicros = cpu.user + cpu.system - advanceCpu;
  const cpuMicrosPerValue = cpuMicros / values;
  return {
    protocol: protocolName(protocol),
    tags: plant.tags.length,
    ticks,
    messages,
    values,
    valuesPerSecond: Math.round(values / (wallMicros / 1e6)),
    cpuMicrosPerValue: Number(cpuMicrosPerValue.toFixed(3)),
    cpuMicrosPer10kPerSecond: Math.round(cpuMicrosPerValue * 10_000),
    received: received - receivedBefore,
    advanceMs: Math.round(advanceMicros / 1_000),
  };
}

export interface RealTimeRun {
  readonly protocol: string;
  readonly tags: number;
  readonly wallSeconds: number;
  readonly values: number;
  readonly valuesPerSecond: number;
  /** Samples the publisher had to coalesce (0: it kept up). */
  readonly coalesced: number;
  /** Share of one core, the whole process (plant included). */
  readonly processCpuPercent: number;
  /** Share of one core spent in `plant.advance`. */
  readonly plantCpuPercent: number;
}

/**
 * The plant in real time (simulation clock at speed 1, a tick every 100 ms) with its tags at 1 Hz:
 * does one process keep up with every tag every second, and at what CPU?
 */
export async function measureRealTime(plant: Plant, url: string, protocol: ThroughputProtocol, seconds: number): Promise<RealTimeRun> {
  const { createSimulationClock } = await import('@shopfloor/simulator');
  let plantCpu = 0;
  const timed: Plant = Object.create(plant) as Plant;
  timed.advance = (toMs: number) => {
    const start = process.cpuUsage();
    plant.advance(toMs);
    const used = process.cpuUsage(start);
    plantCpu += used.user + used.system;
  };
  const publisher = await startPublisher(plant, url, protocol);
  const before = publisher.sent();
  const clock = createSimulationClock({ speed: 1, tickMs: 100, startTime: plant.now }, timed);
  clock.onTick((at) => publisher.publishDue(at));
  const cpuStart = process.cpuUsage();
  const wallStart = Date.now();
  clock.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  await clock.close();
  await publisher.flush();
  const cpu = process.cpuUsage(cpuStart);
  const wallSeconds = (Date.now() - wallStart) / 1_000;
  const after = publisher.sent();
  await publisher.close();
  const values = after.values - before.values;
  return {
    protocol: protocolName(protocol),
    tags: plant.tags.length,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    values,
    valuesPerSecond: Math.round(values / wallSeconds),
    coalesced: after.coalesced - before.coalesced,
    processCpuPercent: Number((((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100).toFixed(1)),
    plantCpuPercent: Number(((plantCpu / 1e6 / wallSeconds) * 100).toFixed(1)),
  };
}
