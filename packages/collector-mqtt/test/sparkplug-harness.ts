import { createCapturingLogger } from '@shopfloor/testkit';
import type { Decoded } from '@shopfloor/model';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { createSparkplugHost, sparkplugHostTopics, type SparkplugHost, type SparkplugHostConfig } from '../src/sparkplug/index.ts';

const codec = sparkplug.get('spBv1.0')!;
const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;
export type RawPayload = Parameters<typeof protoPayload.create>[0];

/** A payload as an edge node built on sparkplug-payload sends it. */
export function encodePayload(payload: UPayload): Buffer {
  return Buffer.from(codec.encodePayload(payload));
}

/** A payload built field by field (UInt32 in int_value, alias-only metrics), which sparkplug-payload cannot write. */
export function encodeRawPayload(payload: RawPayload): Buffer {
  return Buffer.from(protoPayload.encode(protoPayload.create(payload)).finish());
}

/** An NCMD as a subscriber sees it, decoded with sparkplug-payload. */
export interface ObservedCommand {
  readonly topic: string;
  readonly timestamp: number;
  readonly metrics: readonly { name: string | null | undefined; type: string; value: unknown }[];
}

export function decodeCommand(topic: string, payload: Buffer): ObservedCommand {
  const decoded = codec.decodePayload(payload);
  return {
    topic,
    timestamp: Number(String(decoded.timestamp)),
    metrics: (decoded.metrics ?? []).map((metric) => ({ name: metric.name, type: metric.type, value: metric.value })),
  };
}

export async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface HostHarness {
  readonly host: SparkplugHost;
  readonly client: MqttClient;
  /** What `host.handle` returned, message by message. */
  readonly results: { topic: string; decoded: Decoded }[];
  /** Every NCMD seen on the broker by an independent subscriber. */
  readonly commands: ObservedCommand[];
  /** Waits until the host handled `count` messages and every NCMD it published so far reached the subscriber. */
  settle(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The host wired to a broker the way a transport would: a clean session whose Will is STATE
 * offline, subscriptions from `sparkplugHostTopics`, STATE online once subscribed.
 */
export async function startHostHarness(url: string, config: SparkplugHostConfig, now: () => number): Promise<HostHarness> {
  const results: { topic: string; decoded: Decoded }[] = [];
  const commands: ObservedCommand[] = [];
  let flushes = 0;
  const observer = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 });
  observer.on('message', (topic, payload) => {
    if (topic.startsWith('test/flush/')) flushes += 1;
    else commands.push(decodeCommand(topic, payload));
  });
  await observer.subscribeAsync([`spBv1.0/+/NCMD/+`, `test/flush/${config.hostId}`]);

  const holder: { client?: MqttClient } = {};
  const host = createSparkplugHost(config, {
    publish: (topic, payload, options) => void holder.client?.publish(topic, payload, options),
    logger: createCapturingLogger(),
    now,
  });
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0, will: { ...host.will } });
  holder.client = client;
  let stateEchoes = 0;
  client.on('message', (topic, payload) => {
    const decoded = host.handle(topic, payload, now());
    // The host hears its own STATE; the tests look at edge node messages only.
    if (topic.startsWith('spBv1.0/STATE/')) stateEchoes += 1;
    else results.push({ topic, decoded });
  });
  await client.subscribeAsync(sparkplugHostTopics(config.hostId));
  host.onConnected();
  await eventually(() => stateEchoes > 0, 'the host to hear its own STATE');

  return {
    host,
    client,
    results,
    commands,
    async settle(count) {
      await eventually(() => results.length >= count, `${count} handled messages (have ${results.length})`);
      // Same publisher, same subscriber: the flush marker arrives after every earlier NCMD.
      const wanted = flushes + 1;
      await client.publishAsync(`test/flush/${config.hostId}`, 'flush');
      await eventually(() => flushes >= wanted, 'the flush marker');
    },
    async close() {
      await Promise.all([client.endAsync(true), observer.endAsync(true)]);
    },
  };
}

/** A simulated Sparkplug edge node: a clean session whose Will is its NDEATH with `bdSeq`. */
export async function connectEdgeNode(
  url: string,
  group: string,
  edgeNode: string,
  bdSeq: number,
): Promise<{ client: MqttClient; publish(type: string, payload: Buffer, device?: string): Promise<void> }> {
  const client = await mqtt.connectAsync(url, {
    clean: true,
    reconnectPeriod: 0,
    will: {
      topic: `spBv1.0/${group}/NDEATH/${edgeNode}`,
      payload: encodePayload({ timestamp: 1, metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] }),
      qos: 1,
      retain: false,
    },
  });
  return {
    client,
    async publish(type, payload, device) {
      const topic = `spBv1.0/${group}/${type}/${edgeNode}${device === undefined ? '' : `/${device}`}`;
      await client.publishAsync(topic, payload, { qos: 0 });
    },
  };
}
