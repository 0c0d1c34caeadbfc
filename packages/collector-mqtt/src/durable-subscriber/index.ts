export { createDurableSubscriber } from './subscriber.ts';
export { durableSubscriberStatuses } from './durable-subscriber.ts';
export type {
  DurableSubscriber,
  DurableSubscriberCounters,
  DurableSubscriberDeps,
  DurableSubscriberEvent,
  DurableSubscriberStatus,
  MessageHandler,
} from './durable-subscriber.ts';
export { durableSubscriberDefaults } from './options.ts';
export type { DurableSubscriberOptions, DurableSubscription } from './options.ts';
export type { BackoffSettings } from '@shopfloor/engine';
