import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription, scalePlant, type Plant } from '@shopfloor/simulator';
import { startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import { startJsonPublisher, startSparkplugEdgeNode, type JsonBatching } from '../src/index.ts';
import { until } from './live-mosquitto-sub.ts';

/**
 * A smoke run of publishing at full speed: a few simulated seconds of a scaled plant, each tick
 * published as soon as the previous one is out, reach a subscriber whole. The throughput benchmark
 * (≥ 100,000 tags/s over MQTT, issue 4) is `node packages/bench/dist/run-all.js simulator`, figures in
 * BENCHMARKS.md §7; no timing is asserted here.
 */
type Protocol = { type: 'json'; qos: 0 | 1; batching: JsonBatching } | { type: 'sparkplug' };

const protocols: Protocol[] = [
  { type: 'json', qos: 0, batching: 'per-machine' },
  { type: 'json', qos: 1, batching: 'per-machine' },
  { type: 'json', qos: 0, batching: 'per-line' },
  { type: 'sparkplug' },
];

const ticks = 3;

function scaledPlant(): Plant {
  return createPlant(scalePlant(defaultPlantDescription(), 40), { startTime: Date.parse('2026-01-05T06:00:00Z'), stepMs: 1_000 });
}

interface Publisher {
  publishDue(simTimeMs: number): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Messages sent (Sparkplug: births and NDEATH included), values sent and skipped, due values coalesced. */
  sent(): { messages: number; values: number; skipped: number; coalesced: number };
}

async function startPublisher(plant: Plant, url: string, protocol: Protocol): Promise<Publisher> {
  const logger = createSilentLogger();
  if (protocol.type === 'sparkplug') {
    const node = await startSparkplugEdgeNode(plant, { url, groupId: 'smoke', edgeNodeId: 'sim', devices: 'per-machine' }, { logger });
    await until(() => node.phase === 'online', 'the births');
    return {
      publishDue: (at) => node.publishDue(at),
      flush: () => node.flush(),
      close: () => node.close(),
      sent: () => {
        const counters = node.counters();
        return { messages: counters.messagesSent, values: counters.metricsSent, skipped: counters.valuesSkipped, coalesced: counters.coalesced };
      },
    };
  }
  const publisher = await startJsonPublisher(
    plant,
    { url, clientId: `smoke-json-${protocol.qos}-${protocol.batching}`, ...protocol, maxInFlight: 20_000 },
    { logger },
  );
  return {
    publishDue: (at) => publisher.publishDue(at),
    flush: () => publisher.flush(),
    close: () => publisher.close(),
    sent: () => {
      const counters = publisher.counters();
      return { messages: counters.messagesSent, values: counters.tagsSent, skipped: counters.valuesSkipped, coalesced: counters.tagsCoalesced };
    },
  };
}

describe('MQTT publishing at full speed (smoke run; the benchmark is in packages/bench)', () => {
  let broker: MosquittoServer;
  let subscriber: MqttClient;
  let received = 0;
  beforeAll(async () => {
    broker = await startMosquitto();
    subscriber = await mqtt.connectAsync(broker.url, { clean: true, reconnectPeriod: 0 });
    subscriber.on('message', () => received++);
    await subscriber.subscribeAsync('#', { qos: 0 });
  });
  afterAll(async () => {
    await subscriber.endAsync();
    await broker.close();
  });

  it.each(protocols.map((protocol) => [protocol.type === 'json' ? `JSON ${protocol.batching} QoS ${protocol.qos}` : 'Sparkplug B', protocol] as const))(
    '%s: every due value of a scaled plant goes out, nothing coalesced, and the subscriber receives every message',
    async (_name, protocol) => {
      const plant = scaledPlant();
      const receivedBefore = received;
      const publisher = await startPublisher(plant, broker.url, protocol);
      let at = plant.now;
      for (let tick = 0; tick < ticks; tick++) {
        at += 1_000;
        plant.advance(at);
        publisher.publishDue(at);
        await publisher.flush();
      }
      await publisher.close();
      const sent = publisher.sent();
      await until(() => received - receivedBefore >= sent.messages, 'the subscriber to receive every message', 10_000);
      expect(received - receivedBefore).toBe(sent.messages);
      expect(sent.coalesced).toBe(0);
      // JSON: every tag is due every simulated second; Sparkplug sends the births and then changes only.
      if (protocol.type === 'json') expect(sent.values + sent.skipped).toBe(ticks * plant.tags.length);
      else expect(sent.values).toBeGreaterThan(plant.tags.length);
    },
  );
});
