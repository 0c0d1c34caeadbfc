import type { MqttClient } from 'mqtt';

export interface PublishWindowLimits {
  /** QoS 1 messages published and not yet acknowledged. */
  readonly maxInFlight: number;
  /** Bytes written to the socket and not yet taken by the kernel (QoS 0 back-pressure). */
  readonly maxBufferedBytes: number;
}

/**
 * May a data message be published now? Not while disconnected (mqtt.js would queue it without
 * bound), not with `maxInFlight` QoS 1 messages unacknowledged, and not while the socket holds
 * more than `maxBufferedBytes` unsent: a slow broker makes the publishers coalesce, not queue.
 */
export function publishWindowOpen(client: MqttClient, inFlight: number, limits: PublishWindowLimits): boolean {
  if (!client.connected || inFlight >= limits.maxInFlight) return false;
  return client.stream.writableLength < limits.maxBufferedBytes;
}
