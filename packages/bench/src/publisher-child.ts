/**
 * The load generator: a separate Node process publishing with mqtt.js at QoS 1, at most `window`
 * publishes unacknowledged. Driven by its parent over IPC (publisher-process.ts).
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { PublisherCommand, PublisherReply } from './publisher-protocol.ts';
import { percentileOfSorted } from './stats.ts';
import { dataMessages, sparkplugBirths, tagCount, type Message } from './workload.ts';

let client: MqttClient | undefined;
let prepared: Message[] = [];
let pointsPerMessage = 1;

function reply(message: PublisherReply): void {
  process.send?.(message);
}

function connected(): MqttClient {
  if (client === undefined) throw new Error('not connected');
  return client;
}

function publishAll(
  messages: readonly Message[],
  window: number,
  messagesPerSecond: number | undefined,
): Promise<{ acked: number; latencies: Float64Array | undefined; maxLagMs: number }> {
  const mqttClient = connected();
  const total = messages.length;
  const latencies = messagesPerSecond === undefined ? undefined : new Float64Array(total);
  const intervalMs = messagesPerSecond === undefined ? 0 : 1_000 / messagesPerSecond;
  return new Promise((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let acked = 0;
    let maxLagMs = 0;
    let pumping = false;
    const start = performance.now();
    const publishOne = (): void => {
      const index = next++;
      const message = messages[index] as Message;
      const sentAt = performance.now();
      if (latencies !== undefined) maxLagMs = Math.max(maxLagMs, sentAt - (start + index * intervalMs));
      inFlight++;
      mqttClient.publish(message.topic, message.payload, { qos: 1 }, (error) => {
        if (error) {
          reject(error);
          return;
        }
        if (latencies !== undefined) latencies[index] = performance.now() - sentAt;
        inFlight--;
        acked++;
        if (acked === total) resolve({ acked, latencies, maxLagMs });
        else if (latencies === undefined) pump();
      });
    };
    const pump = (): void => {
      if (pumping) return;
      pumping = true;
      while (inFlight < window && next < total) publishOne();
      pumping = false;
    };
    // Paced: every millisecond, publish what is due (bursts of rate/1000), within the window.
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (next < due && inFlight < window) publishOne();
      if (next < total) setTimeout(tick, 1);
    };
    if (total === 0) resolve({ acked: 0, latencies, maxLagMs });
    else if (latencies === undefined) pump();
    else tick();
  });
}

async function handle(command: PublisherCommand): Promise<void> {
  switch (command.type) {
    case 'connect':
      client = await mqtt.connectAsync(command.url, { clientId: command.clientId, clean: true, reconnectPeriod: 0, keepalive: 120 });
      client.on('error', (error) => reply({ type: 'error', message: `publisher connection: ${error.message}` }));
      reply({ type: 'connected' });
      return;
    case 'prepare': {
      const { workload, span } = command;
      pointsPerMessage = workload.pointsPerMessage;
      let births: Message[] = [];
      if (workload.kind === 'sparkplug') {
        births = sparkplugBirths(workload.pointsPerMessage, span.enterprise, command.bdSeq, span.baseTs + (span.firstSecond - 1) * 1_000);
        await publishAll(births, 1_000, undefined);
      }
      prepared = dataMessages(workload, span, births.length % 256);
      reply({
        type: 'prepared',
        birthMessages: births.length,
        birthPoints: births.length > 0 ? tagCount : 0,
        messages: prepared.length,
        points: prepared.length * pointsPerMessage,
      });
      return;
    }
    case 'go': {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const { acked, latencies, maxLagMs } = await publishAll(prepared, command.window, command.messagesPerSecond);
      const elapsedMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      let latency;
      if (latencies !== undefined) {
        latencies.sort();
        latency = {
          p50: percentileOfSorted(latencies, 50),
          p95: percentileOfSorted(latencies, 95),
          p99: percentileOfSorted(latencies, 99),
          max: percentileOfSorted(latencies, 100),
        };
      }
      const messages = prepared.length;
      prepared = [];
      reply({ type: 'done', messages, acked, elapsedMs, cpuUs: cpu.user + cpu.system, ...(latency !== undefined ? { latency, maxLagMs } : {}) });
      return;
    }
    case 'close':
      if (client !== undefined) await client.endAsync();
      process.exit(0);
  }
}

process.on('message', (command: PublisherCommand) => {
  handle(command).catch((error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));
