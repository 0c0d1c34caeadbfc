import { Aedes, type PublishPacket } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { Closeable, Logger } from '@shopfloor/engine';
import type { EmbeddedBrokerConfig } from './config.ts';

/** Sees every PUBLISH a client sends, before the broker acknowledges or routes it. Call `done` to let it go on. */
export type PublishInterceptor = (topic: string, payload: Buffer, qos: 0 | 1 | 2, clientId: string, done: (error?: Error) => void) => void;

export interface EmbeddedBroker extends Closeable {
  /** The port the broker actually listens on. */
  readonly port: number;
  readonly host: string;
  readonly clients: () => number;
  /**
   * Routes client PUBLISHes through `interceptor`: the broker sends PUBACK (QoS 1) and forwards the
   * message only after `done`, so an interceptor that calls `done` once the points are durable gives
   * durable acknowledgement. One interceptor per broker.
   */
  intercept(interceptor: PublishInterceptor): void;
  /** Publishes from the node itself (not intercepted). */
  publish(topic: string, payload: Buffer | string, options: { qos: 0 | 1; retain: boolean }): void;
}

export interface EmbeddedBrokerDeps {
  readonly logger: Logger;
}

/**
 * Starts the in-process aedes broker. If the configured port is taken (a local Mosquitto, say), it
 * says so and listens on a free port instead, never failing with a bare EADDRINUSE.
 */
export async function startEmbeddedBroker(config: EmbeddedBrokerConfig, deps: EmbeddedBrokerDeps): Promise<EmbeddedBroker> {
  let interceptor: PublishInterceptor | undefined;
  const aedes = await Aedes.createBroker({
    // Deliveries in flight while QoS 1 acks wait for the group commit.
    concurrency: 10_000,
    authorizePublish(client, packet, callback) {
      if (client === null || interceptor === undefined) return callback(null);
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      interceptor(packet.topic, payload, packet.qos, client.id, (error) => callback(error ?? null));
    },
  });
  aedes.on('clientError', (client, error) => deps.logger.debug('mqtt client error', { client: client.id, error: error.message }));
  const server = createServer(aedes.handle);
  const port = await listenOrFallback(server, config, deps.logger);
  deps.logger.info('embedded MQTT broker listening', { host: config.host, port });

  let closed = false;
  return {
    port,
    host: config.host,
    clients: () => aedes.connectedClients,
    intercept(next) {
      interceptor = next;
    },
    publish(topic, payload, options) {
      const packet: PublishPacket = {
        cmd: 'publish',
        topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        qos: options.qos,
        retain: options.retain,
        dup: false,
      };
      aedes.publish(packet, (error) => {
        if (error !== undefined && error !== null) deps.logger.warn('embedded broker publish failed', { topic, error: error.message });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listenOrFallback(server: Server, config: EmbeddedBrokerConfig, logger: Logger): Promise<number> {
  try {
    return await listen(server, config.host, config.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES')
      throw new Error(`the embedded MQTT broker cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`, { cause: error });
    const port = await listen(server, config.host, 0);
    const why = code === 'EADDRINUSE' ? 'is already in use (a local Mosquitto?)' : 'needs privileges this process lacks';
    logger.warn(`MQTT port ${config.port} ${why}; the embedded broker listens on ${config.host}:${port} instead`, { wantedPort: config.port, port });
    return port;
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
