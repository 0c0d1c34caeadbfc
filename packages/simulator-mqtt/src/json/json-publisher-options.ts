import { InputError, tagSegmentPattern } from '@shopfloor/model';
import { jsonBatchings, type JsonBatching } from './json-layout.ts';

export interface JsonPublisherOptions {
  readonly url: string;
  readonly clientId: string;
  /** QoS 1: a message counts as sent when the broker acknowledged it (the runtime acknowledges once stored). */
  readonly qos: 0 | 1;
  /** One message per machine (topic = machine path) or per line (topic = line path). */
  readonly batching: JsonBatching;
  /** Path segments put before every topic, e.g. `sim`; none by default. */
  readonly topicPrefix?: string;
  /** A group with more due tags is split into several messages. */
  readonly maxTagsPerMessage?: number;
  /** QoS 1 messages unacknowledged at once; beyond it due tags are coalesced into a later tick. */
  readonly maxInFlight?: number;
  /** Socket bytes not yet sent beyond which due tags are coalesced into a later tick. */
  readonly maxBufferedBytes?: number;
  readonly reconnectPeriodMs?: number;
  readonly connectTimeoutMs?: number;
}

export const jsonPublisherDefaults = {
  maxTagsPerMessage: 1_000,
  maxInFlight: 20_000,
  maxBufferedBytes: 32 * 1024 * 1024,
  reconnectPeriodMs: 1_000,
  connectTimeoutMs: 10_000,
} as const;

export type ResolvedJsonPublisherOptions = Required<Omit<JsonPublisherOptions, 'topicPrefix'>> & Pick<JsonPublisherOptions, 'topicPrefix'>;

/** Options with defaults applied; an `InputError` (`SF_CONFIG_INVALID`) names the first bad key. */
export function resolveJsonPublisherOptions(options: JsonPublisherOptions): ResolvedJsonPublisherOptions {
  const resolved = { ...jsonPublisherDefaults, ...options };
  const fail = (key: string, message: string): never => {
    throw new InputError('SF_CONFIG_INVALID', `JSON publisher ${key}: ${message}`);
  };
  if (resolved.qos !== 0 && resolved.qos !== 1) fail('qos', `expected 0 or 1, found ${String(resolved.qos)}`);
  if (!(jsonBatchings as readonly string[]).includes(resolved.batching))
    fail('batching', `expected ${jsonBatchings.join(' or ')}, found "${resolved.batching}"`);
  if (resolved.clientId.length === 0) fail('clientId', 'is empty');
  const badSegment = resolved.topicPrefix?.split('/').find((segment) => !tagSegmentPattern.test(segment));
  if (badSegment !== undefined) fail('topicPrefix', `segment "${badSegment}" may only hold 1-64 letters, digits, "_", "-", "." and ":"`);
  for (const key of ['maxTagsPerMessage', 'maxInFlight', 'maxBufferedBytes', 'reconnectPeriodMs', 'connectTimeoutMs'] as const) {
    const value = resolved[key];
    if (!(Number.isInteger(value) && value >= 1)) fail(key, `expected an integer ≥ 1, found ${value}`);
  }
  if (resolved.maxInFlight > 65_535) fail('maxInFlight', `at most 65535 (MQTT packet identifiers), found ${resolved.maxInFlight}`);
  return resolved;
}
