/**
 * Edge side of the NATS JetStream transport. Data: a JetStream publish to <prefix>.<edgeId> with
 * msgID <edgeId>:<stream>:<seq> (the stream's duplicate window drops a republished message) and the
 * stream name expected; an entry leaves the outbox on its PubAck, when the stream has stored it.
 * Configuration arrives as core NATS requests on <prefix>.control.<edgeId> (not in one-way mode).
 * A new connection per attempt (nats.js reconnect off), so every publish of a dead connection fails
 * and the sender resends it on the next.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ConnectionLoop, type LinkSession } from './connection-loop.ts';
import { parseControlRequest, safeReply, type EdgeTransport, type EdgeTransportContext } from './edge-transport.ts';
import { rateLimitedWarn } from './log-limiter.ts';

type JetStreamSettings = Extract<EdgeTransportContext['config']['transport'], { jetstream: unknown }>['jetstream'];

export function createJetStreamEdgeTransport(settings: JetStreamSettings, context: EdgeTransportContext): EdgeTransport {
  const { config, edgeId, events, logger } = context;
  const subject = `${settings.subjectPrefix}.${edgeId}`;
  let current: { nc: NatsConnection; js: JetStreamClient } | undefined;
  let acked: number[] = [];
  const warnRefused = rateLimitedWarn(logger);

  const flushAcked = (): void => {
    const seqs = acked;
    acked = [];
    if (seqs.length > 0) events.delivered(seqs);
  };

  const connectOnce = async (): Promise<LinkSession> => {
    const nc = await connect({
      servers: settings.servers,
      name: `uplink-${edgeId}`,
      reconnect: false,
      pingInterval: config.keepaliveSeconds * 1_000,
      maxPingOut: 2,
      timeout: config.connectTimeoutMs,
    });
    if (!config.oneWay) {
      nc.subscribe(`${settings.subjectPrefix}.control.${edgeId}`, {
        callback: (error, msg) => {
          if (error !== null) return;
          const parsed = parseControlRequest(msg.data);
          const reply = safeReply((value) => {
            if (!nc.isClosed()) msg.respond(JSON.stringify(value));
          });
          if ('problem' in parsed) reply({ ok: false, version: 0, error: parsed.problem });
          else events.control(parsed.request, reply);
        },
      });
    }
    const session = { nc, js: jetstream(nc, { timeout: config.ackTimeoutMs }) };
    current = session;
    return {
      closed: nc.closed().then((error) => {
        if (current === session) current = undefined;
        return error instanceof Error ? error.message : 'connection closed';
      }),
      close: () => nc.close(),
    };
  };

  const loop = new ConnectionLoop(connectOnce, config.reconnect, { up: () => events.up(), down: (reason) => events.down(reason) }, logger);

  return {
    counters: loop.counters,
    start: () => loop.start(),
    send(seq, message) {
      const session = current;
      if (session === undefined || session.nc.isClosed()) return false;
      session.js
        .publish(subject, message, { msgID: `${edgeId}:${context.stream}:${seq}`, timeout: config.ackTimeoutMs, expect: { streamName: settings.stream } })
        .then(
          () => {
            if (acked.length === 0) setImmediate(flushAcked);
            acked.push(seq);
          },
          (error: unknown) => {
            if (current !== session || session.nc.isClosed()) return; // the sender requeued it with the connection
            const text = error instanceof Error ? error.message : String(error);
            const timedOut = /timeout/i.test(text);
            if (!timedOut) warnRefused('JetStream refused an uplink message; it stays in the outbox', { seq, error: text });
            events.failed(seq, timedOut ? 0 : 1_000);
          },
        );
      return true;
    },
    close: () => loop.close(),
  };
}
