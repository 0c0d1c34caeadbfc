import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { matchesTagFilter, type Decoded } from '@shopfloor/model';
import { ResourceStack, type Closeable, type CollectorHealth, type DeviceHealth, type Logger, type Pipeline } from '@shopfloor/engine';
import type { MqttIngestConfig } from './config.ts';
import { decodeJsonPayload } from './json/decode-json.ts';
import { createDurableSubscriber, type DurableSubscriber } from './durable-subscriber/index.ts';
import { createSparkplugHost, sparkplugHostTopics, type SparkplugHost, type StateMessage } from './sparkplug/index.ts';

/** The in-process broker as ingest sees it: a tap on client PUBLISHes and a way to publish. */
export interface BrokerTap {
  intercept(interceptor: (topic: string, payload: Buffer, qos: 0 | 1 | 2, clientId: string, done: (error?: Error) => void) => void): void;
  publish(topic: string, payload: Buffer | string, options: { qos: 0 | 1; retain: boolean }): void;
}

export interface ExternalBroker {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
}

export interface MqttIngestDeps {
  readonly pipeline: Pipeline;
  readonly logger: Logger;
  /** Embedded role: ingest hooks the in-process broker directly. */
  readonly broker?: BrokerTap;
  /** External role: a persistent session for JSON, a clean Sparkplug host session. */
  readonly external?: ExternalBroker;
  readonly now?: () => number;
  /** Topics whose messages are vibration waveform blocks, turned into feature points (the edge's waveform inputs). */
  readonly waveforms?: WaveformRoute;
}

/** Where waveform blocks go: `matches` per topic, `decode` makes the feature points (or one rejection). */
export interface WaveformRoute {
  matches(topic: string): boolean;
  decode(topic: string, payload: Buffer, receivedAt: number): Decoded;
}

export interface MqttIngest extends Closeable {
  status(): Record<string, unknown>;
  /** Health as the other collectors report it: the broker session, and each Sparkplug edge node as a device. */
  health(): CollectorHealth;
  readonly sparkplug: SparkplugHost | undefined;
}

const sparkplugPrefix = 'spBv1.0/';

/**
 * MQTT ingestion: JSON on the unified namespace and Sparkplug B, from the embedded broker (hooked
 * in-process, QoS 1 acknowledged after the points are durable) or from an external broker (JSON over
 * a persistent MQTT 5 session with deferred, in-order PUBACKs; Sparkplug over a clean session with
 * the host's STATE as its Will).
 */
export async function startMqttIngest(config: MqttIngestConfig, deps: MqttIngestDeps): Promise<MqttIngest> {
  const owned = new ResourceStack();
  try {
    return await start(config, deps, owned);
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}

async function start(config: MqttIngestConfig, deps: MqttIngestDeps, owned: ResourceStack): Promise<MqttIngest> {
  const { pipeline, logger } = deps;
  const now = deps.now ?? Date.now;
  const jsonOptions = { maxPayloadBytes: config.maxPayloadBytes };
  const isJsonTopic = (topic: string) =>
    config.json.enabled &&
    !topic.startsWith(sparkplugPrefix) &&
    !topic.startsWith('$') &&
    config.json.topics.some((filter) => matchesTagFilter(filter, topic)) &&
    !config.json.exclude.some((filter) => matchesTagFilter(filter, topic));
  const counters = { jsonMessages: 0, sparkplugMessages: 0 };
  let lastMessageAt = 0;
  const groups = config.sparkplug.groups.length > 0 ? config.sparkplug.groups : undefined;

  let publish: (topic: string, payload: Buffer | string, options: { qos: 0 | 1; retain: boolean }) => void = () => undefined;
  const host = config.sparkplug.enabled
    ? createSparkplugHost(
        {
          hostId: config.sparkplug.hostId,
          rebirthDebounceMs: config.sparkplug.rebirthDebounceMs,
          ...(groups !== undefined ? { groupFilter: groups } : {}),
          ...(config.sparkplug.tagPrefix !== '' ? { tagPrefix: config.sparkplug.tagPrefix } : {}),
        },
        { publish: (topic, payload, options) => publish(topic, payload, options), logger: logger.child({ protocol: 'sparkplug' }), now },
      )
    : undefined;
  /** Decodes a Sparkplug message, refusing oversize payloads before the protobuf decoder sees them. */
  const decodeSparkplug = (sparkplug: SparkplugHost, topic: string, payload: Buffer): Decoded => {
    counters.sparkplugMessages += 1;
    if (payload.length > config.maxPayloadBytes) {
      return {
        accepted: [],
        rejected: [
          {
            reason: 'oversize-payload',
            input: topic,
            detail: `payload of ${payload.length} bytes is larger than the limit of ${config.maxPayloadBytes} bytes`,
            count: 1,
          },
        ],
      };
    }
    lastMessageAt = now();
    return sparkplug.handle(topic, payload, lastMessageAt);
  };
  const waveforms = deps.waveforms;
  const isWaveformTopic = (topic: string): boolean => waveforms !== undefined && !topic.startsWith('$') && waveforms.matches(topic);
  const decodeWaveform = (topic: string, payload: Buffer): Decoded => {
    counters.jsonMessages += 1;
    lastMessageAt = now();
    if (payload.length > config.maxPayloadBytes)
      return {
        accepted: [],
        rejected: [
          {
            reason: 'oversize-payload',
            input: topic,
            detail: `payload of ${payload.length} bytes is larger than the limit of ${config.maxPayloadBytes} bytes`,
            count: 1,
          },
        ],
      };
    return (waveforms as WaveformRoute).decode(topic, payload, lastMessageAt);
  };
  const decodeJson = (topic: string, payload: Buffer): Decoded => {
    counters.jsonMessages += 1;
    lastMessageAt = now();
    return decodeJsonPayload(topic, payload, lastMessageAt, jsonOptions);
  };
  const health = (session: DeviceHealth): CollectorHealth => {
    const devices: DeviceHealth[] = [lastMessageAt > 0 ? { ...session, lastGoodReadAt: lastMessageAt } : session];
    for (const node of host?.status().edgeNodes ?? [])
      devices.push({ id: `spBv1.0/${node.group}/${node.edgeNode}`, connected: node.online, errors: node.seqGaps, connects: 1 });
    return {
      id: 'mqtt',
      kind: 'mqtt',
      connected: devices.every((device) => device.connected),
      ...(lastMessageAt > 0 ? { lastGoodReadAt: lastMessageAt } : {}),
      errors: devices.reduce((sum, device) => sum + device.errors, 0),
      devices,
    };
  };

  if (deps.broker !== undefined) {
    const broker = deps.broker;
    publish = (topic, payload, options) => broker.publish(topic, payload, options);
    // QoS 1 and 2: the broker sends PUBACK (and reads the client's next packets) only after `done`,
    // which the pipeline calls once the points are durable. QoS 0: `done` at once, unless the pipeline
    // is saturated, when it waits for room: aedes then stops reading that client (back-pressure).
    const release = (qos: 0 | 1 | 2, done: (error?: Error) => void) => {
      if (qos > 0) return done;
      if (pipeline.ready) done();
      else void pipeline.whenReady().then(() => done());
      return undefined;
    };
    broker.intercept((topic, payload, qos, _clientId, done) => {
      if (host !== undefined && topic.startsWith(sparkplugPrefix))
        pipeline.submit(decodeSparkplug(host, topic, payload), release(qos, done), { protocol: 'sparkplug-b', address: topic });
      else if (isWaveformTopic(topic))
        pipeline.submit(decodeWaveform(topic, payload), release(qos, done), { protocol: 'computed', address: `waveform:${topic}` });
      else if (isJsonTopic(topic)) pipeline.submit(decodeJson(topic, payload), release(qos, done), { protocol: 'mqtt-json', address: topic });
      else done();
    });
    host?.onConnected();
    // Stopping: let what was taken become durable, so its PUBACKs go out before the broker closes.
    owned.defer(() => pipeline.drain());
  } else if (deps.external !== undefined) {
    const external = deps.external;
    let jsonSession: DurableSubscriber | undefined;
    if (config.json.enabled) {
      const session = createDurableSubscriber(
        {
          url: external.url,
          clientId: external.clientId,
          ...(external.username !== undefined ? { username: external.username } : {}),
          ...(external.password !== undefined ? { password: external.password } : {}),
          subscriptions: config.json.topics.map((filter) => ({ filter, qos: 1 as const })),
          receiveMaximum: config.receiveMaximum,
        },
        {
          logger: logger.child({ part: 'json-session' }),
          onMessage: (topic, payload, ack, _qos, abort) => {
            const waveform = isWaveformTopic(topic);
            if (!waveform && !isJsonTopic(topic)) return ack();
            // Acknowledge only what is stored. A failed write drops the connection, so the broker
            // redelivers the unacknowledged messages on the next one.
            pipeline.submit(
              waveform ? decodeWaveform(topic, payload) : decodeJson(topic, payload),
              (error) => (error === undefined ? ack() : abort(`storing failed: ${error.message}`)),
              waveform ? { protocol: 'computed', address: `waveform:${topic}` } : { protocol: 'mqtt-json', address: topic },
            );
          },
        },
      );
      jsonSession = session;
      // Stopping: take nothing new, let the pipeline store what it holds (its PUBACKs go out), then DISCONNECT.
      owned.defer(async () => {
        session.pause();
        await pipeline.drain();
        await session.close();
      });
    }
    if (host !== undefined) {
      const client = await connectSparkplugClient(external, () => host.beginSession(now()), logger);
      owned.defer(() => closeSparkplugClient(client, host.will));
      publish = (topic, payload, options) => void client.publish(topic, payload, options);
      client.on('message', (topic, payload) => pipeline.submit(decodeSparkplug(host, topic, payload), undefined, { protocol: 'sparkplug-b', address: topic }));
      const subscribe = () => {
        const topics = Object.fromEntries(sparkplugHostTopics(config.sparkplug.hostId, groups).map((topic) => [topic, { qos: 1 as const }]));
        client.subscribe(topics, (error) => {
          if (error) logger.error('subscribing to Sparkplug topics failed', { error: error.message });
          else host.onConnected();
        });
      };
      client.on('connect', subscribe);
      subscribe();
    }
    return {
      sparkplug: host,
      status: () => ({
        mode: 'external',
        ...counters,
        ...(jsonSession !== undefined ? { jsonSession: { status: jsonSession.status, ...jsonSession.counters } } : {}),
        ...(host !== undefined ? { sparkplug: host.status() } : {}),
      }),
      health: () =>
        health({
          id: external.url,
          connected: jsonSession === undefined || jsonSession.status === 'connected',
          errors: 0,
          connects: 1 + (jsonSession?.counters.reconnects ?? 0),
        }),
      close: () => owned.close(),
    };
  }
  return {
    sparkplug: host,
    status: () => ({ mode: 'embedded', ...counters, ...(host !== undefined ? { sparkplug: host.status() } : {}) }),
    health: () => health({ id: 'embedded broker', connected: true, errors: 0, connects: 1 }),
    close: () => owned.close(),
  };
}

function toWill(state: StateMessage): NonNullable<IClientOptions['will']> {
  return { topic: state.topic, payload: Buffer.from(state.payload), qos: state.qos, retain: state.retain };
}

/** Sparkplug 3.0: the host connects with a clean session and a fresh STATE death certificate as its Will, each time. */
async function connectSparkplugClient(external: ExternalBroker, beginSession: () => StateMessage, logger: Logger): Promise<MqttClient> {
  const client = await mqtt.connectAsync(external.url, {
    clientId: `${external.clientId}-sparkplug`,
    clean: true,
    protocolVersion: 5,
    reconnectPeriod: 2_000,
    ...(external.username !== undefined ? { username: external.username } : {}),
    ...(external.password !== undefined ? { password: external.password } : {}),
    will: toWill(beginSession()),
  });
  // mqtt.js emits `reconnect` just before it builds the next CONNECT: give it the new session's Will.
  client.on('reconnect', () => {
    client.options.will = toWill(beginSession());
  });
  client.on('offline', () => logger.warn('Sparkplug host session lost; reconnecting', { url: external.url }));
  client.on('error', (error) => logger.warn('Sparkplug host connection error', { url: external.url, error: error.message }));
  return client;
}

async function closeSparkplugClient(client: MqttClient, will: StateMessage): Promise<void> {
  // Stop hearing our own STATE first: the host answers an offline STATE about itself by publishing
  // online again, which would leave "online" retained after a clean stop.
  client.removeAllListeners('message');
  client.removeAllListeners('connect');
  // A graceful stop publishes the death certificate itself: the broker drops the Will on DISCONNECT.
  if (client.connected) await client.publishAsync(will.topic, will.payload, { qos: will.qos, retain: will.retain }).catch(() => undefined);
  await client.endAsync();
}
