/**
 * Hub side of the JetStream transport. Creates or updates the stream (file storage, work-queue
 * retention, discard new: a full stream refuses publishes, so edges keep their data) and one
 * durable pull consumer that every hub worker can share (each fetches batches from it). A message is
 * acknowledged after it is committed and recorded as done; a failed one is delivered again after a
 * short delay.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '@shopfloor/engine';
import type { UplinkReceiverConfig } from '../config.ts';
import type { ReceiverCore, Settlement } from './receiver-core.ts';
import { parseControlReply, unreachable, type ReceiverTransport } from './receiver-transport.ts';

type JetStreamSettings = Extract<UplinkReceiverConfig['transport'], { jetstream: unknown }>['jetstream'];

const nanos = (ms: number): number => ms * 1_000_000;

export async function startJetStreamReceiverTransport(
  settings: JetStreamSettings,
  controlTimeoutMs: number,
  core: ReceiverCore,
  logger: Logger,
): Promise<ReceiverTransport> {
  const nc = await connect({ servers: settings.servers, name: 'uplink-receiver', reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const subjects = [`${settings.subjectPrefix}.*`];
    const limits = { subjects, max_bytes: settings.maxStreamBytes, duplicate_window: nanos(settings.duplicateWindowMs), discard: DiscardPolicy.New };
    const existing = await jsm.streams.info(settings.stream).catch(() => undefined);
    if (existing === undefined) {
      await jsm.streams.add({ name: settings.stream, ...limits, storage: StorageType.File, retention: RetentionPolicy.Workqueue, num_replicas: 1 });
    } else {
      await jsm.streams.update(settings.stream, limits);
    }
    const consumerConfig = {
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(settings.ackWaitMs),
      max_ack_pending: settings.maxAckPending,
      filter_subject: subjects[0] as string,
    };
    const consumerInfo = await jsm.consumers.info(settings.stream, settings.durable).catch(() => undefined);
    if (consumerInfo === undefined)
      await jsm.consumers.add(settings.stream, { durable_name: settings.durable, deliver_policy: DeliverPolicy.All, ...consumerConfig });
    else await jsm.consumers.update(settings.stream, settings.durable, consumerConfig);
  } catch (error) {
    await nc.close();
    throw error;
  }
  const consumer = await jetstream(nc).consumers.get(settings.stream, settings.durable);
  const prefixLength = settings.subjectPrefix.length + 1;

  const settleFor = (msg: JsMsg) => (settlement: Settlement) => {
    switch (settlement.outcome) {
      case 'done':
        msg.ack();
        return;
      case 'retry':
        msg.nak(1_000);
        return;
      case 'unreadable':
        // A newer wire version waits for an upgraded hub; anything else would never read.
        if (/version/.test(settlement.reason)) msg.nak(60_000);
        else msg.term(settlement.reason.slice(0, 200));
        return;
    }
  };
  // Fetch loop rather than consume(): on stop the current fetch runs out (≤ 2 s) and every message it
  // brought is applied, so none is left delivered-but-unread to come back after ack_wait, behind newer ones.
  let taking = true;
  const batchSize = Math.min(settings.maxAckPending, 1_000);
  const loop = (async () => {
    while (taking) {
      try {
        const batch = await consumer.fetch({ max_messages: batchSize, expires: 2_000 });
        for await (const msg of batch) core.handle(msg.subject.slice(prefixLength), msg.data, settleFor(msg));
      } catch (error) {
        if (!taking) break;
        logger.warn('uplink receiver: fetching from the stream failed; retrying', { error: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  })();
  logger.info('uplink receiver consuming', { stream: settings.stream, durable: settings.durable });

  return {
    async pushConfig(edgeId, version, document) {
      let answer;
      try {
        answer = await nc.request(`${settings.subjectPrefix}.control.${edgeId}`, JSON.stringify({ kind: 'config', version, document }), {
          timeout: controlTimeoutMs,
        });
      } catch (error) {
        throw unreachable(edgeId, version, controlTimeoutMs, error instanceof Error ? error.message : String(error));
      }
      const reply = parseControlReply(answer.data);
      if (reply === undefined) throw unreachable(edgeId, version, controlTimeoutMs, 'the reply was not a configuration reply');
      return { ok: reply.ok, version: reply.version, ...(reply.error === undefined ? {} : { error: reply.error }) };
    },
    async stop() {
      taking = false;
      await loop;
    },
    async close() {
      await nc.drain();
    },
  };
}
