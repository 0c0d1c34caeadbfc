import { stateTopic } from './topic.ts';

/** A host application STATE message (spec 3.0 §4.3): JSON, QoS 1, retained. Shaped to serve as an mqtt.js `will`. */
export interface StateMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 1;
  readonly retain: true;
}

/**
 * The Death Certificate to register as the MQTT Will when connecting. Its `timestamp` must be the
 * one the following STATE online message carries (tck-id-host-topic-phid-birth-payload-timestamp).
 */
export function stateWill(hostId: string, timestamp: number): StateMessage {
  return { topic: stateTopic(hostId), payload: JSON.stringify({ online: false, timestamp }), qos: 1, retain: true };
}

/** The Birth Certificate published right after connecting and subscribing. */
export function stateOnline(hostId: string, timestamp: number): StateMessage {
  return { topic: stateTopic(hostId), payload: JSON.stringify({ online: true, timestamp }), qos: 1, retain: true };
}

/** Reads the `online` flag of a STATE payload; undefined when it is not a STATE JSON object. */
export function stateOnlineFlag(payload: Uint8Array): boolean | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const online = (parsed as { online?: unknown }).online;
    return typeof online === 'boolean' ? online : undefined;
  } catch {
    return undefined;
  }
}
