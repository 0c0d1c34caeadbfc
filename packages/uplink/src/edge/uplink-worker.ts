/**
 * Entry of the uplink worker thread: owns the outbox (SQLite, fsync), packing and compression, the
 * sender and the transport, so none of them can stall the edge's main loop (rules and alarms).
 * The main thread sends append batches (group commit: one at a time, everything that arrived
 * meanwhile in the next) and gets a reply once they are durable.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogMeta, Logger } from '@shopfloor/engine';
import { BugError } from '@shopfloor/model';
import { OutboxStore, type AppendGroup } from '../outbox/outbox-store.ts';
import { compactColumns } from '../wire/point-columns.ts';
import type { ControlReply, EdgeTransport, EdgeTransportEvents } from './edge-transport.ts';
import { createJetStreamEdgeTransport } from './jetstream-edge-transport.ts';
import { createMqttEdgeTransport } from './mqtt-edge-transport.ts';
import { Sender } from './sender.ts';
import type { FromWorker, ToWorker, UplinkStats, WorkerOptions } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new BugError('uplink-worker.js must run as a worker thread');
const options = workerData as WorkerOptions;
const { config, edgeId } = options;

function post(message: FromWorker): void {
  port?.postMessage(message);
}

function workerLogger(bound: LogMeta): Logger {
  const log = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, meta?: LogMeta) =>
    post({ type: 'log', level, message, meta: { ...bound, ...meta } });
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: (meta) => workerLogger({ ...bound, ...meta }) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function open(): OutboxStore | undefined {
  try {
    return OutboxStore.open({
      file: options.file,
      edgeId,
      maxBytes: config.maxBytes,
      maxPointsPerMessage: config.maxPointsPerMessage,
      maxBytesPerMessage: config.maxBytesPerMessage,
      compressionLevel: config.compressionLevel,
      now: Date.now,
    });
  } catch (error) {
    post({ type: 'open-failed', message: messageOf(error) });
    return undefined;
  }
}

const store = open();
if (store !== undefined) {
  const logger = workerLogger({});
  const sessionTags: string[] = [];
  const controlReplies = new Map<number, (reply: ControlReply) => void>();
  let nextControl = 1;

  const stats = (): UplinkStats => {
    let entries = 0;
    let points = 0;
    let records = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const entry of store.entries()) {
      entries++;
      if (entry.kind === 'points') points += entry.count;
      else if (entry.kind === 'alarms' || entry.kind === 'events') records += entry.count;
      if (entry.created < oldest) oldest = entry.created;
    }
    for (const row of store.journal()) {
      if (row.kind === 'points') points += row.count;
      else records += row.count;
      if (row.created < oldest) oldest = row.created;
    }
    const counters = transport.counters;
    return {
      connected: sender.connected,
      reconnectAttempts: Math.max(0, counters.attempts - 1),
      reconnects: counters.reconnects,
      backlog: { entries, points, records, bytes: store.bytes, oldestCreated: Number.isFinite(oldest) ? oldest : undefined },
      inFlight: sender.inFlight,
      ...sender.counters,
      dropped: store.drops(),
    };
  };

  const events: EdgeTransportEvents = {
    up: () => sender.linkUp(),
    down: () => sender.linkDown(),
    delivered: (seqs) => sender.delivered(seqs),
    failed: (seq, retryAfterMs) => sender.failed(seq, retryAfterMs),
    control: (request, reply) => {
      const id = nextControl++;
      controlReplies.set(id, reply);
      post({ type: 'control', id, request });
    },
  };
  const context = { config, edgeId, stream: store.stream, logger, events };
  const transport: EdgeTransport =
    'mqtt' in config.transport ? createMqttEdgeTransport(config.transport.mqtt, context) : createJetStreamEdgeTransport(config.transport.jetstream, context);
  // The transport calls back only once started (below), after the sender exists.
  const sender = new Sender(store, transport, config, Date.now);

  const tickMs = Math.max(20, Math.min(250, Math.floor(config.ackTimeoutMs / 4)));
  const ticker = setInterval(() => {
    try {
      sender.tick();
    } catch (error) {
      logger.error('uplink sender failed a tick', { error: messageOf(error) });
    }
  }, tickMs);
  const statsTimer = setInterval(() => post({ type: 'stats', stats: stats() }), 250);

  const handle = async (request: ToWorker): Promise<unknown> => {
    switch (request.type) {
      case 'append': {
        sessionTags.push(...request.newTags);
        const groups = request.groups.map((group): AppendGroup =>
          group.kind === 'points'
            ? {
                kind: 'points',
                klass: group.klass,
                created: group.created,
                columns: compactColumns({ ...group.columns, tags: [] }, 0, group.columns.ts.length, sessionTags),
              }
            : group,
        );
        sender.changed(store.append(groups));
        sender.pump();
        return undefined;
      }
      case 'status':
        store.setStatus(request.record);
        sender.pump();
        return undefined;
      case 'control-reply':
        controlReplies.get(request.control)?.(request.reply);
        controlReplies.delete(request.control);
        return undefined;
      case 'stats':
        return stats();
      case 'close':
        clearInterval(ticker);
        clearInterval(statsTimer);
        await transport.close();
        store.close();
        return undefined;
    }
  };

  port.on('message', (request: ToWorker) => {
    handle(request).then(
      (result) => post({ type: 'reply', id: request.id, ok: true, result }),
      (error: unknown) => post({ type: 'reply', id: request.id, ok: false, message: messageOf(error) }),
    );
  });
  post({ type: 'ready', stats: stats(), stream: store.stream });
  transport.start();
}
