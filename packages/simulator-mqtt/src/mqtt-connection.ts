import { UnavailableError } from '@shopfloor/model';
import type { Logger } from '@shopfloor/engine';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface MqttConnectionOptions {
  readonly url: string;
  readonly clientId: string;
  readonly will?: IClientOptions['will'];
  /** Wait between reconnect attempts. */
  readonly reconnectPeriodMs: number;
  /** How long the first connection may take before start-up fails. */
  readonly connectTimeoutMs: number;
  /** Called with the client before its first CONNECT is sent, to attach handlers. */
  readonly prepare?: (client: MqttClient) => void;
}

/**
 * Connects an MQTT 3.1.1 client with a clean session that reconnects by itself, and resolves once
 * the first CONNACK arrived. Nothing is queued while disconnected (`queueQoSZero: false`); the
 * publishers decide what to do with data they cannot send. Fails with an `UnavailableError`
 * (`SF_BROKER_UNAVAILABLE`) naming the broker when the first connection does not succeed in time.
 */
export async function connectMqttClient(options: MqttConnectionOptions, logger: Logger): Promise<MqttClient> {
  const client = mqtt.connect(options.url, {
    clientId: options.clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: options.reconnectPeriodMs,
    connectTimeout: options.connectTimeoutMs,
    queueQoSZero: false,
    // Subscriptions are made again by the owner on each 'connect' (a clean session has none).
    resubscribe: false,
    manualConnect: true,
    ...(options.will === undefined ? {} : { will: options.will }),
  });
  // mqtt.js throws an 'error' event nobody listens to; connection problems are logged instead.
  let lastError: string | undefined;
  client.on('error', (error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn('MQTT connection problem', { broker: options.url, error: error.message });
  });
  options.prepare?.(client);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new UnavailableError(
            'SF_BROKER_UNAVAILABLE',
            `MQTT broker ${options.url} did not accept a connection within ${options.connectTimeoutMs} ms${lastError === undefined ? '' : ` (${lastError})`}`,
          ),
        );
      }, options.connectTimeoutMs);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  lastError = undefined;
  return client;
}
