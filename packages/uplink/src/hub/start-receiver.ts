import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Closeable } from '@shopfloor/engine';
import { edgeIdPattern, type UplinkReceiverConfig } from '../config.ts';
import type { ControlReply } from '../edge/edge-transport.ts';
import { InputError } from '@shopfloor/model';
import { startJetStreamReceiverTransport } from './jetstream-receiver-transport.ts';
import { startMqttReceiverTransport } from './mqtt-receiver-transport.ts';
import { ReceiverCore, type UplinkReceiverDeps, type UplinkReceiverStats } from './receiver-core.ts';
import { ReceiverStore, type EdgeSummary } from './receiver-store.ts';

/** The hub end of the uplink; it is also the hub's directory of edges (`/api/v1/edges`). */
export interface UplinkReceiver extends Closeable {
  stats(): UplinkReceiverStats & { readonly inProgress: number };
  /** Sends a configuration to an edge; rejects with SF_EDGE_UNREACHABLE when it does not answer in time. */
  pushConfig(edgeId: string, version: number, document: unknown): Promise<ControlReply>;
  list(): EdgeSummary[];
  get(id: string): EdgeSummary | undefined;
  /** The done seqs of one edge stream, as intervals (diagnostics and tests). */
  doneIntervals(edgeId: string, stream: string): [number, number][];
}

/** Connects to the broker or the stream and starts applying what edges send. */
export async function startUplinkReceiver(config: UplinkReceiverConfig, deps: UplinkReceiverDeps): Promise<UplinkReceiver> {
  mkdirSync(deps.dataDir, { recursive: true });
  const store = new ReceiverStore(join(deps.dataDir, 'uplink-receiver.db'));
  const core = new ReceiverCore(store, deps, config.maxMessageBytes);
  const logger = deps.logger;
  let transport;
  try {
    transport =
      'mqtt' in config.transport
        ? await startMqttReceiverTransport(config.transport.mqtt, config.controlTimeoutMs, core, logger)
        : await startJetStreamReceiverTransport(config.transport.jetstream, config.controlTimeoutMs, core, logger);
  } catch (error) {
    store.close();
    throw error;
  }
  let closed = false;
  return {
    stats: () => ({ ...core.stats, inProgress: core.inProgress }),
    pushConfig(edgeId, version, document) {
      if (!new RegExp(edgeIdPattern).test(edgeId)) return Promise.reject(new InputError('SF_BAD_REQUEST', `edge id "${edgeId}" is not a valid uplink edge id`));
      return transport.pushConfig(edgeId, version, document);
    },
    list: () => store.edges(),
    get: (id) => store.edge(id),
    doneIntervals: (edgeId, stream) => store.doneIntervals(edgeId, stream),
    async close() {
      if (closed) return;
      closed = true;
      await transport.stop();
      // Messages being applied finish (their sink commits are under way), get recorded and acknowledged.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([core.whenIdle(), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
      core.flush();
      if (!core.idle()) logger.warn('uplink receiver closed with messages still being applied; they will be delivered again', { inProgress: core.inProgress });
      await transport.close();
      store.close();
    },
  };
}
