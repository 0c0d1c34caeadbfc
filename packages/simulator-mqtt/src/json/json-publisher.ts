import type { Closeable, Logger } from '@shopfloor/engine';
import type { Plant } from '@shopfloor/simulator';
import { connectMqttClient } from '../mqtt-connection.ts';
import { publishWindowOpen } from '../publish-window.ts';
import { isDue, markPublished, type RateClass } from '../rate-schedule.ts';
import { jsonLayout, type JsonGroup } from './json-layout.ts';
import { jsonMessage } from './json-payload.ts';
import { resolveJsonPublisherOptions, type JsonPublisherOptions } from './json-publisher-options.ts';
import { closeClient, InFlightWaiters, socketDrained } from '../in-flight.ts';

/** What the publisher says it sent. With QoS 1 a message counts once the broker acknowledged it. */
export interface JsonPublisherCounters {
  readonly messagesSent: number;
  /** Tag values in sent messages: what a runtime should have stored. */
  readonly tagsSent: number;
  /** QoS 1 messages whose publish failed (the client was closed before the acknowledgement). */
  readonly messagesFailed: number;
  readonly tagsFailed: number;
  /** Due tag samples not published because the connection was down or the window full; the tags go out at a later tick. */
  readonly tagsCoalesced: number;
  /** Values left out because they were not a finite number, boolean or string. */
  readonly valuesSkipped: number;
  /** QoS 1 messages published and not yet acknowledged. */
  readonly inFlight: number;
}

export interface JsonPublisher extends Closeable {
  /** Publishes the tags due at `simTimeMs` (simulated epoch ms, also the messages' `ts`); the clock calls it every tick. */
  publishDue(simTimeMs: number): void;
  counters(): JsonPublisherCounters;
  /** How many values of the tag (index into `plant.tags`) were sent, counted like `tagsSent`. */
  tagsSentFor(index: number): number;
  /** Resolves when no QoS 1 message is waiting for its acknowledgement and the socket has taken every byte. */
  flush(): Promise<void>;
}

export interface JsonPublisherDeps {
  readonly logger: Logger;
}

/**
 * Publishes a plant's tags as unified-namespace JSON batches (docs/simulator-mqtt.md), one message
 * per machine or per line and tick, with only the tags due at their rate. Topics and JSON keys are
 * built once. A slow broker never grows a queue: beyond `maxInFlight` unacknowledged messages (or
 * `maxBufferedBytes` unsent bytes) due tags stay due and go out, with their newer values, at a later tick.
 */
export async function startJsonPublisher(plant: Plant, options: JsonPublisherOptions, deps: JsonPublisherDeps): Promise<JsonPublisher> {
  const settings = resolveJsonPublisherOptions(options);
  const logger = deps.logger.child({ publisher: 'json', clientId: settings.clientId });
  const layout = jsonLayout(plant, settings.batching, settings.topicPrefix);
  const client = await connectMqttClient(settings, logger);
  client.on('connect', () => logger.info('JSON publisher reconnected', { broker: settings.url }));
  client.on('offline', () => logger.warn('JSON publisher lost its broker connection; due tags are coalesced until it is back', { broker: settings.url }));
  logger.info('JSON publisher connected', { broker: settings.url, batching: settings.batching, groups: layout.groups.length, tags: plant.tags.length });

  const sentByTag = new Uint32Array(plant.tags.length);
  const counts = { messagesSent: 0, tagsSent: 0, messagesFailed: 0, tagsFailed: 0, tagsCoalesced: 0, valuesSkipped: 0 };
  const waiters = new InFlightWaiters();
  const due: number[] = [];
  const dueClasses: RateClass[] = [];
  let closed = false;

  function delivered(tags: readonly number[]): void {
    counts.messagesSent++;
    counts.tagsSent += tags.length;
    for (const index of tags) sentByTag[index] = (sentByTag[index] as number) + 1;
  }

  function send(topic: string, tags: readonly number[], ts: number): void {
    for (let from = 0; from < tags.length; from += settings.maxTagsPerMessage) {
      const message = jsonMessage(plant, layout, tags, from, Math.min(tags.length, from + settings.maxTagsPerMessage), ts);
      counts.valuesSkipped += message.skipped;
      if (message.tags.length === 0) continue;
      if (settings.qos === 0) {
        client.publish(topic, message.payload, { qos: 0 });
        delivered(message.tags);
        continue;
      }
      waiters.begin();
      client.publish(topic, message.payload, { qos: 1 }, (error) => {
        if (error === undefined || error === null) delivered(message.tags);
        else {
          counts.messagesFailed++;
          counts.tagsFailed += message.tags.length;
        }
        waiters.end();
      });
    }
  }

  function publishGroup(group: JsonGroup, simTimeMs: number, ts: number): void {
    due.length = 0;
    dueClasses.length = 0;
    for (const rateClass of group.classes) {
      if (!isDue(rateClass, simTimeMs)) continue;
      dueClasses.push(rateClass);
      for (const index of rateClass.tags) due.push(index);
    }
    if (due.length === 0) return;
    if (!publishWindowOpen(client, waiters.inFlight, settings)) {
      counts.tagsCoalesced += due.length;
      return;
    }
    for (const rateClass of dueClasses) markPublished(rateClass, simTimeMs);
    send(group.topic, due, ts);
  }

  return {
    publishDue(simTimeMs) {
      if (closed) return;
      const ts = Math.round(simTimeMs);
      for (const group of layout.groups) publishGroup(group, simTimeMs, ts);
    },
    counters: () => ({ ...counts, inFlight: waiters.inFlight }),
    tagsSentFor: (index) => sentByTag[index] ?? 0,
    async flush() {
      await waiters.idle();
      await socketDrained(client);
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeClient(client, () => waiters.idle());
      logger.info('JSON publisher closed', { messagesSent: counts.messagesSent, tagsSent: counts.tagsSent, tagsCoalesced: counts.tagsCoalesced });
    },
  };
}
