import { createCapturingLogger } from '@shopfloor/testkit';
import type { Decoded } from '@shopfloor/model';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { createSparkplugHost, sparkplugHostTopics, type PublishOptions, type SparkplugHost, type SparkplugHostConfig } from '../src/sparkplug/index.ts';

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
  /** The host's current MQTT connection. */
  readonly client: MqttClient;
  /** What `host.handle` returned, message by message. */
  readonly results: { topic: string; decoded: Decoded }[];
  /** Every NCMD seen on the broker by an independent subscriber. */
  readonly commands: ObservedCommand[];
  /** Publishes the way the host does (its `publish` dependency), as if the host sent it now. */
  publishAsHost(topic: string, payload: Buffer | string): void;
  /**
   * Waits until the host handled exactly `count` messages, then sends a sentinel through the host's
   * own publish path and waits for the observer to receive it. Every NCMD the host published before
   * the sentinel, late ones included, has then reached `commands`: the same connection publishes
   * both, and the broker keeps their order towards the one subscriber that takes both.
   */
  settle(count: number): Promise<void>;
  /** A new connection as a transport would make it: `beginSession` for its Will, subscribe, `onConnected`. */
  reconnect(): Promise<MqttClient>;
  close(): Promise<void>;
}

/**
 * The host wired to a broker the way a transport would: a clean session whose Will is STATE
 * offline of a new host session, subscriptions from `sparkplugHostTopics`, STATE online once subscribed.
 */
export async function startHostHarness(url: string, config: SparkplugHostConfig, now: () => number): Promise<HostHarness> {
  const results: { topic: string; decoded: Decoded }[] = [];
  const commands: ObservedCommand[] = [];
  const sentinelTopic = `test/sentinel/${config.hostId}`;
  let sentinels = 0;
  const observer = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 });
  observer.on('message', (topic, payload) => {
    if (topic === sentinelTopic) sentinels += 1;
    else commands.push(decodeCommand(topic, payload));
  });
  await observer.subscribeAsync([`spBv1.0/+/NCMD/+`, sentinelTopic]);

  const clients: MqttClient[] = [];
  let current: MqttClient | undefined;
  const publishAsHost = (topic: string, payload: Buffer | string, options: PublishOptions = { qos: 0, retain: false }): void => {
    void current?.publish(topic, payload, options);
  };
  const host = createSparkplugHost(config, { publish: publishAsHost, logger: createCapturingLogger(), now });
  let stateEchoes = 0;

  async function connect(): Promise<MqttClient> {
    const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0, will: { ...host.beginSession(now()) } });
    clients.push(client);
    current = client;
    client.on('message', (topic, payload) => {
      const decoded = host.handle(topic, payload, now());
      // The host hears its own STATE; the tests look at edge node messages only.
      if (topic.startsWith('spBv1.0/STATE/')) stateEchoes += 1;
      else results.push({ topic, decoded });
    });
    await client.subscribeAsync(sparkplugHostTopics(config.hostId));
    const echoes = stateEchoes;
    host.onConnected();
    await eventually(() => stateEchoes > echoes, 'the host to hear its own STATE');
    return client;
  }
  await connect();

  return {
    host,
    get client() {
      return current as MqttClient;
    },
    results,
    commands,
    publishAsHost: (topic, payload) => publishAsHost(topic, payload),
    async settle(count) {
      await eventually(() => results.length >= count, `${count} handled messages (have ${results.length})`);
      const wanted = sentinels + 1;
      publishAsHost(sentinelTopic, 'sentinel');
      await eventually(() => sentinels >= wanted, 'the sentinel');
      if (results.length !== count) throw new Error(`expected ${count} handled messages, have ${results.length}`);
    },
    reconnect: connect,
    async close() {
      await Promise.all([...clients.map((client) => client.endAsync(true)), observer.endAsync(true)]);
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
