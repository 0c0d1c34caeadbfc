/**
 * The simulator's MQTT publishers under load (issue 4: ≥ 100,000 tags/s over MQTT from one process),
 * moved here from packages/simulator-mqtt/test/publish-throughput.ts: a scaled default plant, the
 * product's JSON publisher or Sparkplug edge node in this process, a broker, and a subscriber in
 * another process that only counts. Free-running: each run publishes `ticks` simulated seconds as
 * fast as the broker takes them (after a tick the loop waits for the socket to drain and, at QoS 1,
 * for every acknowledgement, so nothing is coalesced); `plant.advance` is timed apart and left out.
 * Real time: the plant on the simulation clock, windows of whole ticks.
 */
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, createSimulationClock, defaultPlantDescription, scalePlant, simulatorDefaults, type Plant } from '@shopfloor/simulator';
import { startJsonPublisher, startSparkplugEdgeNode, type JsonBatching } from '@shopfloor/simulator-mqtt';
import mqtt, { MqttClient } from 'mqtt';
import { CpuMeter, ownCpuUs, type CpuSource } from './proc-cpu.ts';
import { sleep } from './stats.ts';

export type PublishProtocol = { readonly type: 'json'; readonly qos: 0 | 1; readonly batching: JsonBatching } | { readonly type: 'sparkplug' };

export function protocolName(protocol: PublishProtocol): string {
  return protocol.type === 'sparkplug' ? 'Sparkplug B DDATA per machine' : `JSON ${protocol.batching}, QoS ${protocol.qos}`;
}

/** Monday 06:00: the shifts of the default plant are running. */
export const benchStartTime = Date.parse('2026-01-05T06:00:00Z');

/** The default plant scaled to `machinesPerLine` × 2 lines (~29 tags a machine; 2,000 → 115,894 tags), all tags at 1 Hz. */
export function benchPlant(machinesPerLine: number, stepMs: number): Plant {
  return createPlant(scalePlant(defaultPlantDescription(), machinesPerLine), { startTime: benchStartTime, stepMs });
}

/** One MQTT message as the publisher handed it to mqtt.js. */
export interface CapturedMessage {
  readonly topic: string;
  readonly payload: string | Buffer;
}

export interface SimPublisher {
  publishDue(simTimeMs: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Messages and tag values sent (Sparkplug: metrics, births included; changes only), and due values coalesced. */
  sent(): { messages: number; values: number; coalesced: number };
}

/** The product's publisher for `protocol`; JSON QoS 1 gets `maxInFlight` (the bench default 20,000: a whole tick of 4,000 messages fits). */
export async function startSimPublisher(plant: Plant, url: string, protocol: PublishProtocol, maxInFlight = 20_000): Promise<SimPublisher> {
  const logger = createSilentLogger();
  if (protocol.type === 'sparkplug') {
    const node = await startSparkplugEdgeNode(plant, { url, groupId: 'bench', edgeNodeId: 'sim', devices: 'per-machine' }, { logger });
    await waitFor(() => node.phase === 'online', 'the Sparkplug births');
    await node.flush();
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
    { url, clientId: `bench-json-${protocol.qos}-${protocol.batching}-${maxInFlight}`, qos: protocol.qos, batching: protocol.batching, maxInFlight },
    { logger },
  );
  return {
    publishDue: (at) => publisher.publishDue(at),
    flush: () => publisher.flush(),
    close: () => publisher.close(),
    sent: () => {
      const counters = publisher.counters();
      return { messages: counters.messagesSent, values: counters.tagsSent, coalesced: counters.tagsCoalesced };
    },
  };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

type Publish = (this: MqttClient, ...args: unknown[]) => unknown;

/**
 * Records every message any mqtt.js client of this process publishes, into the last list of
 * `ticks` (the caller pushes a list per tick), until the returned function is called. The messages
 * still go out: this is how the raw reference gets exactly the simulator's messages.
 */
function captureMqttPublishes(ticks: CapturedMessage[][]): () => void {
  const prototype = MqttClient.prototype as unknown as { publish: Publish };
  const original = prototype.publish;
  prototype.publish = function (this: MqttClient, ...args: unknown[]): unknown {
    ticks.at(-1)?.push({ topic: args[0] as string, payload: args[1] as string | Buffer });
    return original.apply(this, args);
  };
  return () => {
    prototype.publish = original;
  };
}

/** CPU and wall time of one free-running or raw run, and what the other processes used meanwhile. */
export interface PublishRun {
  readonly values: number;
  readonly messages: number;
  readonly valuesPerSecond: number;
  /** This process, µs per value (plant.advance left out). */
  readonly cpuPerValue: number;
  /** µs per value of the broker and of the counting subscriber. */
  readonly brokerPerValue: number;
  readonly subscriberPerValue: number;
  /** Cores the rest of the machine used meanwhile. */
  readonly otherCores: number;
  /** Messages the subscriber received minus messages sent (0: none lost). */
  readonly missing: number;
  /** Free-running runs: CPU and wall time of plant.advance, ms (not in the figures). */
  readonly advanceMs: number;
}

export interface Counter {
  messages(): Promise<number>;
}

/** The subscriber's count once it stopped moving (nothing arrived for 100 ms): the baseline of a run. */
async function settled(subscriber: Counter): Promise<number> {
  let seen = await subscriber.messages();
  for (let wait = 0; wait < 100; wait++) {
    await sleep(100);
    const now = await subscriber.messages();
    if (now === seen) break;
    seen = now;
  }
  return seen;
}

/** Waits until the subscriber has seen `expected` messages (up to 5 s), and returns what it saw. */
async function received(subscriber: Counter, expected: number): Promise<number> {
  let seen = await subscriber.messages();
  for (let wait = 0; wait < 100 && seen < expected; wait++) {
    await sleep(50);
    seen = await subscriber.messages();
  }
  return seen;
}

function runFigures(
  values: number,
  messages: number,
  wallUs: number,
  cpuUs: number,
  used: Map<string, number>,
  elapsedUs: number,
  missing: number,
  advanceMs: number,
): PublishRun {
  return {
    values,
    messages,
    valuesPerSecond: values / (wallUs / 1e6),
    cpuPerValue: cpuUs / values,
    brokerPerValue: (used.get('broker') ?? Number.NaN) / values,
    subscriberPerValue: (used.get('subscriber') ?? Number.NaN) / values,
    otherCores: (used.get('others') ?? Number.NaN) / elapsedUs,
    missing,
    advanceMs,
  };
}

export interface Processes {
  readonly broker: number;
  readonly subscriber: number;
}

function meter(processes: Processes): CpuMeter {
  return new CpuMeter(
    new Map<string, CpuSource>([
      ['broker', { pid: processes.broker }],
      ['subscriber', { pid: processes.subscriber }],
    ]),
  );
}

/**
 * Publishes `ticks` simulated seconds of `plant` as fast as the broker takes them. With `capture`,
 * also records the messages, one list per tick, for the raw reference.
 */
export async function publishFreeRunning(
  plant: Plant,
  publisher: SimPublisher,
  ticks: number,
  subscriber: Counter,
  processes: Processes,
  capture?: CapturedMessage[][],
): Promise<PublishRun> {
  await publisher.flush();
  const before = publisher.sent();
  const receivedBefore = await settled(subscriber);
  const stopCapture = capture === undefined ? undefined : captureMqttPublishes(capture);
  let advanceUs = 0;
  let advanceCpuUs = 0;
  const cpu = meter(processes);
  const cpuStart = ownCpuUs();
  const wallStart = performance.now();
  let at = plant.now;
  try {
    for (let tick = 0; tick < ticks; tick++) {
      at += 1_000;
      const advanceStart = performance.now();
      const advanceCpuStart = ownCpuUs();
      plant.advance(at);
      advanceCpuUs += ownCpuUs() - advanceCpuStart;
      advanceUs += (performance.now() - advanceStart) * 1_000;
      capture?.push([]);
      publisher.publishDue(at);
      await publisher.flush();
    }
  } finally {
    stopCapture?.();
  }
  const wallUs = (performance.now() - wallStart) * 1_000 - advanceUs;
  const cpuUs = ownCpuUs() - cpuStart - advanceCpuUs;
  const after = publisher.sent();
  if (after.coalesced !== before.coalesced)
    throw new Error(`${after.coalesced - before.coalesced} samples were coalesced: the loop should wait for the window`);
  const messages = after.messages - before.messages;
  const seen = (await received(subscriber, receivedBefore + messages)) - receivedBefore;
  // Read once the subscriber caught up: its whole share of the run.
  const used = cpu.since();
  const elapsedUs = (performance.now() - wallStart) * 1_000;
  return runFigures(after.values - before.values, messages, wallUs, cpuUs, used, elapsedUs, seen - messages, advanceCpuUs / 1_000);
}

/** The bare mqtt.js client of the raw reference (same connection options as the simulator's: MQTT 3.1.1, clean session). */
export function connectRawClient(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: 'bench-raw-publisher', clean: true, protocolVersion: 4, reconnectPeriod: 0, queueQoSZero: false });
}

/**
 * The raw reference: the captured messages, tick by tick, from a bare mqtt.js loop at the same QoS
 * and with the same per-tick wait (socket drained; at QoS 1 every PUBACK in).
 */
export async function publishRaw(
  client: MqttClient,
  ticks: readonly (readonly CapturedMessage[])[],
  qos: 0 | 1,
  values: number,
  subscriber: Counter,
  processes: Processes,
): Promise<PublishRun> {
  const receivedBefore = await settled(subscriber);
  const cpu = meter(processes);
  const cpuStart = ownCpuUs();
  const wallStart = performance.now();
  let messages = 0;
  for (const tick of ticks) {
    messages += tick.length;
    if (qos === 0) {
      for (const message of tick) client.publish(message.topic, message.payload, { qos: 0 });
      while (client.connected && client.stream.writableLength > 0) await sleep(1);
      continue;
    }
    await new Promise<void>((resolve, reject) => {
      let pending = tick.length;
      if (pending === 0) resolve();
      for (const message of tick)
        client.publish(message.topic, message.payload, { qos: 1 }, (error) => {
          if (error !== undefined && error !== null) reject(error);
          else if (--pending === 0) resolve();
        });
    });
  }
  const wallUs = (performance.now() - wallStart) * 1_000;
  const cpuUs = ownCpuUs() - cpuStart;
  const seen = (await received(subscriber, receivedBefore + messages)) - receivedBefore;
  const used = cpu.since();
  return runFigures(values, messages, wallUs, cpuUs, used, (performance.now() - wallStart) * 1_000, seen - messages, 0);
}

/** One real-time window: whole ticks of the simulation clock. */
export interface RealTimeWindow {
  readonly ticks: number;
  /** From the first tick to the last, in simulated time: at speed 1 the wall time between the ticks' starts. */
  readonly seconds: number;
  readonly values: number;
  /** Values per second of `seconds`. */
  readonly valuesPerSecond: number;
  /** Due samples the publisher had to leave for a later tick (0: it kept up). */
  readonly coalesced: number;
  /** Share of one core: this whole process (plant, publisher, mqtt.js, GC), and plant.advance alone. */
  readonly processCores: number;
  readonly plantCores: number;
  readonly brokerCores: number;
  readonly otherCores: number;
}

interface Snapshot {
  /** Simulated time of the tick (at speed 1: the wall clock when the tick began). */
  readonly at: number;
  readonly wall: number;
  readonly cpu: number;
  readonly plantCpu: number;
  readonly values: number;
  readonly coalesced: number;
  readonly used: Map<string, number>;
}

/**
 * The plant in real time on the simulation clock (speed 1; `shopfloor simulate`'s default tick of
 * 1 s), publishing every tag due. Measures consecutive windows of `windowTicks[i]` ticks, each from
 * just after one tick's publish to just after a later one's, so a window holds whole ticks; the first
 * window is the warm-up.
 */
export async function publishRealTime(
  plant: Plant,
  url: string,
  protocol: PublishProtocol,
  windowTicks: readonly number[],
  processes: Processes,
  subscriber: Counter,
  maxInFlight?: number,
): Promise<{ windows: RealTimeWindow[]; missing: number }> {
  let plantCpu = 0;
  // The clock calls advance on this object; everything else is the plant's.
  const timed = Object.create(plant) as Plant;
  timed.advance = (toMs: number) => {
    const start = ownCpuUs();
    plant.advance(toMs);
    plantCpu += ownCpuUs() - start;
  };
  const receivedBefore = await settled(subscriber);
  const publisher = await startSimPublisher(plant, url, protocol, maxInFlight);
  const clock = createSimulationClock({ speed: 1, tickMs: simulatorDefaults.tickMs, startTime: plant.now }, timed);
  clock.onTick((at) => publisher.publishDue(at));
  const boundaries = windowTicks.reduce<number[]>((list, ticks) => [...list, (list.at(-1) ?? 1) + ticks], [1]);
  const snapshots: Snapshot[] = [];
  const cpu = meter(processes);
  let tick = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  clock.onTick((at) => {
    tick++;
    if (!boundaries.includes(tick)) return;
    const sent = publisher.sent();
    snapshots.push({ at, wall: performance.now(), cpu: ownCpuUs(), plantCpu, values: sent.values, coalesced: sent.coalesced, used: cpu.since() });
    if (tick === boundaries.at(-1)) done();
  });
  // The clock's interval is unref'd: keep the process alive while the windows run.
  const keepAlive = setInterval(() => undefined, 1_000);
  clock.start();
  await finished;
  clearInterval(keepAlive);
  await clock.close();
  // JSON QoS 1 counts a value once acknowledged: the acknowledgements of the last window's ticks are in by now.
  await publisher.flush();
  const windows: RealTimeWindow[] = [];
  for (let index = 1; index < snapshots.length; index++) {
    const from = snapshots[index - 1] as Snapshot;
    const to = snapshots[index] as Snapshot;
    const wallUs = (to.wall - from.wall) * 1_000;
    const used = (name: string) => (to.used.get(name) ?? Number.NaN) - (from.used.get(name) ?? Number.NaN);
    windows.push({
      ticks: windowTicks[index - 1] as number,
      seconds: (to.at - from.at) / 1_000,
      values: to.values - from.values,
      valuesPerSecond: (to.values - from.values) / ((to.at - from.at) / 1_000),
      coalesced: to.coalesced - from.coalesced,
      processCores: (to.cpu - from.cpu) / wallUs,
      plantCores: (to.plantCpu - from.plantCpu) / wallUs,
      brokerCores: used('broker') / wallUs,
      otherCores: Math.max(0, used('others')) / wallUs,
    });
  }
  await publisher.close();
  // Everything the publisher sent, Sparkplug births and NDEATH included.
  const messages = publisher.sent().messages;
  const seen = (await received(subscriber, receivedBefore + messages)) - receivedBefore;
  return { windows, missing: seen - messages };
}
