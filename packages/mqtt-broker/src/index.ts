export { startEmbeddedBroker } from './embedded-broker.ts';
export type { EmbeddedBroker, EmbeddedBrokerDeps, PublishInterceptor } from './embedded-broker.ts';
export { embeddedBrokerConfigSchema, embeddedBrokerDefaults } from './config.ts';
export type { EmbeddedBrokerConfig } from './config.ts';
