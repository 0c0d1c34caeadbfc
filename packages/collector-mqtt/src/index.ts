export { startMqttIngest } from './mqtt-ingest.ts';
export type { MqttIngest, MqttIngestDeps, BrokerTap, ExternalBroker, WaveformRoute } from './mqtt-ingest.ts';
export { mqttIngestConfigSchema, mqttIngestDefaults } from './config.ts';
export type { MqttIngestConfig } from './config.ts';
export { decodeJsonPayload } from './json/decode-json.ts';
export type { JsonDecodeOptions } from './json/decode-json.ts';
export { createSparkplugHost, sparkplugHostDefaults, sparkplugHostTopics, stateWill, stateOnline } from './sparkplug/index.ts';
export type { SparkplugHost, SparkplugHostConfig, SparkplugHostDeps, SparkplugHostStatus, EdgeNodeStatus, StateMessage } from './sparkplug/index.ts';
export { createDurableSubscriber, durableSubscriberDefaults, durableSubscriberStatuses } from './durable-subscriber/index.ts';
export type {
  DurableSubscriber,
  DurableSubscriberOptions,
  DurableSubscriberDeps,
  DurableSubscriberEvent,
  DurableSubscriberStatus,
  DurableSubscriberCounters,
  DurableSubscription,
  MessageHandler,
  BackoffSettings,
} from './durable-subscriber/index.ts';
