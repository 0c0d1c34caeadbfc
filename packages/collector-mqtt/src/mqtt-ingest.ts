import mqtt, { type MqttClient } from 'mqtt';
import { matchesTagFilter } from '@shopfloor/model';
import { ResourceStack, type Closeable, type Logger, type Pipeline } from '@shopfloor/engine';
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
}

export interface MqttIngest extends Closeable {
  status(): Record<string, unknown>;
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
  const { pipeline, logger } = deps;
  const now = deps.now ?? Date.now;
  const owned = new ResourceStack();
  const jsonOptions = { maxPayloadBytes: config.maxPayloadBytes };
  const isJsonTopic = (topic: string) => config.json.enabled && !topic.startsWith(sparkplugPrefix) && !topic.startsWith('$') && config.json.topics.some((filter) => matchesTagFilter(filter, topic));
  let jsonMessages = 0;
  let sparkplugMessages = 0;

  let publish: (topic: string, payload: Buffer | string, options: { qos: 0 | 1; retain: boolean }) => void = () => undefined;
  const host = config.sparkplug.enabled
    ? createSparkplugHost(
        { hostId: config.sparkplug.hostId, rebirthDebounceMs: config.sparkplug.rebirthDebounceMs, ...(config.sparkplug.groups.length > 0 ? { groupFilter: config.sparkplug.groups } : {}) },
        { publish: (topic, payload, options) => publish(topic, payload, options), logger: logger.child({ protocol: 'sparkplug' }), now },
      )
    : undefined;
  const mode = deps.broker !== undefined ? 'embedded' : 'external';
  let jsonSession: DurableSubscriber | undefined;

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
      if (host !== undefined && topic.startsWith(sparkplugPrefix)) {
        sparkplugMessages += 1;
        pipeline.submit(host.handle(topic, payload, now()), release(qos, done), { protocol: 'sparkplug-b', address: topic });
      } else if (isJsonTopic(topic)) {
        jsonMessages += 1;
        pipeline.submit(decodeJsonPayload(topic, payload, now(), jsonOptions), release(qos, done), { protocol: 'mqtt-json', address: topic });
      } else done();
    });
    host?.onConnected();
  } else if (deps.external !== undefined) {
    const external = deps.external;
    if (config.json.enabled) {
      jsonSession = owned.add(
        createDurableSubscriber(
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
            onMessage: (topic, payload, ack) => {
              if (!isJsonTopic(topic)) return ack();
              jsonMessages += 1;
              // Acknowledge only what is stored: a failed write leaves the message with the broker, which
              // redelivers it on the next session (the window stalls meanwhile, which is back-pressure).
              pipeline.submit(decodeJsonPayload(topic, payload, now(), jsonOptions), (error) => (error === undefined ? ack() : undefined), { protocol: 'mqtt-json', address: topic });
            },
          },
        ),
      );
    }
    if (host !== undefined) {
      const client = await connectSparkplugClient(external, host.will, logger);
      owned.add({ close: () => closeSparkplugClient(client, host.will) });
      publish = (topic, payload, options) => void client.publish(topic, payload, options);
      client.on('message', (topic, payload) => {
        sparkplugMessages += 1;
        pipeline.submit(host.handle(topic, payload, now()), undefined, { protocol: 'sparkplug-b', address: topic });
      });
      const subscribe = () => {
        const topics = Object.fromEntries(sparkplugHostTopics(config.sparkplug.hostId).map((topic) => [topic, { qos: 1 as const }]));
        client.subscribe(topics, (error) => {
          if (error) logger.error('subscribing to Sparkplug topics failed', { error: error.message });
          else {
            host.onConnected();
            logger.info('Sparkplug host online', { hostId: config.sparkplug.hostId });
          }
        });
      };
      client.on('connect', subscribe);
      subscribe();
    }
  }
  return {
    sparkplug: host,
    status: () => ({
      mode,
      jsonMessages,
      sparkplugMessages,
      ...(jsonSession !== undefined ? { jsonSession: { status: jsonSession.status, ...jsonSession.counters } } : {}),
      ...(host !== undefined ? { sparkplug: host.status() } : {}),
    }),
    close: () => owned.close(),
  };
}

async function connectSparkplugClient(external: ExternalBroker, will: StateMessage, logger: Logger): Promise<MqttClient> {
  const client = await mqtt.connectAsync(external.url, {
    clientId: `${external.clientId}-sparkplug`,
    // Sparkplug 3.0: the host connects with a clean session and its STATE death certificate as Will.
    clean: true,
    protocolVersion: 5,
    reconnectPeriod: 2_000,
    ...(external.username !== undefined ? { username: external.username } : {}),
    ...(external.password !== undefined ? { password: external.password } : {}),
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
  });
  client.on('offline', () => logger.warn('Sparkplug host session lost; reconnecting', { url: external.url }));
  client.on('error', (error) => logger.warn('Sparkplug host connection error', { url: external.url, error: error.message }));
  return client;
}

async function closeSparkplugClient(client: MqttClient, will: StateMessage): Promise<void> {
  // A graceful stop publishes the death certificate itself: the broker drops the Will on DISCONNECT.
  if (client.connected) await client.publishAsync(will.topic, will.payload, { qos: will.qos, retain: will.retain }).catch(() => undefined);
  await client.endAsync();
}
