/**
 * Edge side of the MQTT transport. Data: QoS 1 on <prefix>/<edgeId>/data. An entry leaves the
 * outbox when the hub's application ack arrives on <prefix>/<edgeId>/ack (sent after the hub
 * committed); the broker's PUBACK only says the broker has it. In one-way mode the edge subscribes
 * to nothing and the PUBACK is all there is (a weaker guarantee: see the README).
 * The client is made afresh for every connection (clean session, no mqtt.js reconnect): the
 * outbox, not the client, keeps what is unacknowledged.
 */
import { connect, type MqttClient } from 'mqtt';
import { ConnectionLoop, type LinkSession } from './connection-loop.ts';
import { parseControlRequest, safeReply, type EdgeTransport, type EdgeTransportContext } from './edge-transport.ts';
import { rateLimitedWarn } from './log-limiter.ts';

type MqttSettings = Extract<EdgeTransportContext['config']['transport'], { mqtt: unknown }>['mqtt'];

export function createMqttEdgeTransport(settings: MqttSettings, context: EdgeTransportContext): EdgeTransport {
  const { config, edgeId, events, logger } = context;
  const base = `${settings.topicPrefix}/${edgeId}`;
  const topics = { data: `${base}/data`, ack: `${base}/ack`, control: `${base}/control`, controlReply: `${base}/control-reply` };
  let client: MqttClient | undefined;
  let pendingPubacks: number[] = [];
  const warnRefused = rateLimitedWarn(logger);

  const flushPubacks = (): void => {
    const seqs = pendingPubacks;
    pendingPubacks = [];
    if (seqs.length > 0) events.delivered(seqs);
  };

  const onMessage = (current: MqttClient) => (topic: string, payload: Buffer) => {
    if (client !== current) return;
    if (topic === topics.ack) {
      const seqs = parseAck(payload, context.stream);
      if (seqs.length > 0) events.delivered(seqs);
      return;
    }
    if (topic !== topics.control) return;
    const parsed = parseControlRequest(payload);
    const reply = safeReply((value) => {
      if (client === current) current.publish(topics.controlReply, JSON.stringify({ id: parsed.id, ...value }), { qos: 1 });
    });
    if ('problem' in parsed) reply({ ok: false, version: 0, error: parsed.problem });
    else events.control(parsed.request, reply);
  };

  const connectOnce = async (): Promise<LinkSession> => {
    const current = connect(settings.url, {
      clientId: settings.clientId ?? `uplink-${edgeId}`,
      clean: true,
      // MQTT 3.1.1: the edge needs nothing of MQTT 5, and every broker (the embedded one included) speaks it.
      protocolVersion: 4,
      reconnectPeriod: 0,
      keepalive: config.keepaliveSeconds,
      reschedulePings: false,
      connectTimeout: config.connectTimeoutMs,
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.password === undefined ? {} : { password: settings.password }),
    });
    current.on('error', (error) => logger.debug('uplink MQTT client error', { error: error.message }));
    const closed = new Promise<string>((resolve) => current.once('close', () => resolve('connection closed')));
    try {
      await new Promise<void>((resolve, reject) => {
        current.once('connect', () => resolve());
        current.once('error', reject);
        void closed.then(() => reject(new Error(`no connection to ${settings.url}`)));
      });
      if (!config.oneWay) {
        current.on('message', onMessage(current));
        const granted = await current.subscribeAsync({ [topics.ack]: { qos: 0 }, [topics.control]: { qos: 1 } });
        const refused = granted.filter((grant) => grant.qos >= 0x80).map((grant) => grant.topic);
        if (refused.length > 0) throw new Error(`the broker refused the subscription to ${refused.join(', ')}: the hub's acknowledgements would never arrive`);
      }
    } catch (error) {
      current.end(true);
      throw error;
    }
    client = current;
    return {
      closed: closed.then((reason) => {
        if (client === current) client = undefined;
        current.end(true);
        return reason;
      }),
      close: () => current.endAsync(true),
    };
  };

  const loop = new ConnectionLoop(connectOnce, config.reconnect, { up: () => events.up(), down: (reason) => events.down(reason) }, logger);

  return {
    counters: loop.counters,
    start: () => loop.start(),
    send(seq, message) {
      const current = client;
      if (current === undefined || !current.connected) return false;
      current.publish(topics.data, Buffer.from(message.buffer, message.byteOffset, message.byteLength), { qos: 1 }, (error) => {
        if (client !== current || !current.connected) return; // the connection is gone: the sender requeues what was in flight
        if (error !== undefined && error !== null) {
          warnRefused('the broker refused an uplink message; it stays in the outbox', { seq, error: error.message });
          events.failed(seq, 1_000);
        } else if (config.oneWay) {
          if (pendingPubacks.length === 0) setImmediate(flushPubacks);
          pendingPubacks.push(seq);
        }
      });
      return true;
    },
    close: () => loop.close(),
  };
}

/** `{"stream":"…","seqs":[…]}` from the hub; seqs of another outbox stream are ignored. */
function parseAck(payload: Buffer, stream: string): number[] {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { stream?: unknown; seqs?: unknown };
    if (parsed.stream !== stream || !Array.isArray(parsed.seqs)) return [];
    return parsed.seqs.filter((seq): seq is number => typeof seq === 'number' && Number.isSafeInteger(seq));
  } catch {
    return [];
  }
}
