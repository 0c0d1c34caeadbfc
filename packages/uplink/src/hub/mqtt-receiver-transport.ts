/**
 * Hub side of the MQTT transport: a persistent session (Clean Start false, session expiry) on
 * <prefix>/+/data at QoS 1, so the broker keeps messages while the hub restarts; an application ack
 * per edge stream on <prefix>/<edgeId>/ack once the messages are committed and recorded as done.
 */
import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '@shopfloor/engine';
import { UnavailableError } from '@shopfloor/model';
import type { UplinkReceiverConfig } from '../config.ts';
import type { ControlReply } from '../edge/edge-transport.ts';
import type { ReceiverCore, Settlement } from './receiver-core.ts';
import { parseControlReply, unreachable, type ReceiverTransport } from './receiver-transport.ts';

type MqttSettings = Extract<UplinkReceiverConfig['transport'], { mqtt: unknown }>['mqtt'];

export async function startMqttReceiverTransport(
  settings: MqttSettings,
  controlTimeoutMs: number,
  core: ReceiverCore,
  logger: Logger,
): Promise<ReceiverTransport> {
  const prefix = settings.topicPrefix;
  const depth = prefix.split('/').length;
  // MQTT 5 (session expiry) where the broker speaks it; MQTT 3.1.1 with a persistent session where it
  // does not (the embedded broker): the broker then keeps the session by its own settings.
  const open = (protocolVersion: 4 | 5): MqttClient =>
    connect(settings.url, {
      clientId: settings.clientId,
      clean: false,
      protocolVersion,
      ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: settings.sessionExpirySeconds } } : {}),
      reconnectPeriod: 1_000,
      keepalive: 10,
      connectTimeout: 10_000,
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.password === undefined ? {} : { password: settings.password }),
    });
  let client: MqttClient = open(5);
  const replies = new Map<string, (reply: ControlReply) => void>();
  let acks = new Map<string, number[]>();
  let started = false;

  const flushAcks = (): void => {
    const batch = acks;
    acks = new Map();
    if (!client.connected || client.disconnecting) return; // the edge sends them again; they are done here and acked then
    for (const [name, seqs] of batch) {
      const [edgeId, stream] = name.split('\u0000') as [string, string];
      client.publish(`${prefix}/${edgeId}/ack`, JSON.stringify({ stream, seqs }), { qos: 0 });
    }
  };
  const settle = (settlement: Settlement): void => {
    if (settlement.outcome !== 'done') return; // no ack: the edge sends it again after its ack timeout
    const name = `${settlement.edgeId}\u0000${settlement.stream}`;
    if (acks.size === 0) setImmediate(flushAcks);
    const seqs = acks.get(name);
    if (seqs === undefined) acks.set(name, [settlement.seq]);
    else seqs.push(settlement.seq);
  };

  const onMessage = (topic: string, payload: Buffer): void => {
    const levels = topic.split('/');
    if (levels.length !== depth + 2) return;
    const edgeId = levels[depth] as string;
    const suffix = levels[depth + 1];
    if (suffix === 'data') core.handle(edgeId, payload, settle);
    else if (suffix === 'control-reply') {
      const reply = parseControlReply(payload);
      if (reply?.id !== undefined)
        replies.get(reply.id)?.({ ok: reply.ok, version: reply.version, ...(reply.error === undefined ? {} : { error: reply.error }) });
    }
  };

  const subscribe = async (): Promise<void> => {
    const granted = await client.subscribeAsync({ [`${prefix}/+/data`]: { qos: 1 }, [`${prefix}/+/control-reply`]: { qos: 1 } });
    const refused = granted.filter((grant) => grant.qos >= 0x80).map((grant) => grant.topic);
    if (refused.length > 0)
      throw new UnavailableError('SF_BROKER_UNAVAILABLE', `uplink receiver: the broker refused the subscription to ${refused.join(', ')}`);
  };
  const attach = (current: MqttClient): void => {
    current.on('error', (error) => {
      if (client === current) logger.warn('uplink receiver MQTT error', { error: error.message });
    });
    current.on('message', (topic, payload) => {
      if (client === current) onMessage(topic, payload);
    });
    current.on('connect', (connack) => {
      logger.info('uplink receiver connected to the broker', {
        url: settings.url,
        sessionPresent: connack.sessionPresent,
        mqtt: current.options.protocolVersion,
      });
      if (started && !connack.sessionPresent)
        subscribe().catch((error: unknown) => logger.error('uplink receiver could not subscribe', { error: String(error) }));
    });
  };
  attach(client);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UnavailableError('SF_BROKER_UNAVAILABLE', `uplink receiver: no connection to ${settings.url} within 10 s`)),
      10_000,
    );
    const connected = (): void => {
      clearTimeout(timer);
      subscribe().then(() => {
        started = true;
        resolve();
      }, reject);
    };
    const refused = (error: Error): void => {
      if (!/unacceptable protocol version|unsupported protocol version/i.test(error.message) || client.options.protocolVersion === 4) return;
      logger.info('the broker speaks no MQTT 5; the uplink receiver uses MQTT 3.1.1 with a persistent session', { url: settings.url });
      const previous = client;
      client = open(4);
      previous.end(true);
      attach(client);
      client.once('connect', connected);
    };
    client.once('connect', connected);
    client.on('error', refused);
  }).catch(async (error: unknown) => {
    await client.endAsync(true);
    throw error;
  });

  return {
    async pushConfig(edgeId, version, document) {
      const id = randomUUID();
      const answer = new Promise<ControlReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          replies.delete(id);
          reject(unreachable(edgeId, version, controlTimeoutMs, 'no reply on MQTT'));
        }, controlTimeoutMs);
        replies.set(id, (reply) => {
          clearTimeout(timer);
          replies.delete(id);
          resolve(reply);
        });
      });
      await client.publishAsync(`${prefix}/${edgeId}/control`, JSON.stringify({ id, kind: 'config', version, document }), { qos: 1 });
      return answer;
    },
    // mqtt.js acknowledges a message to the broker when it receives it, so the hub stops taking
    // messages by leaving: everything received is applied; the session keeps the rest for the next start.
    async stop() {
      flushAcks();
      await client.endAsync(false);
    },
    async close() {
      // Acks of what finished after the stop cannot go out: the edge resends those, and they are done here.
    },
  };
}
