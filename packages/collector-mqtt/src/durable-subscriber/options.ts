import { InputError } from '@shopfloor/model';
import type { BackoffSettings } from '@shopfloor/engine';

export interface DurableSubscription {
  /** MQTT topic filter, wildcards allowed. */
  readonly filter: string;
  /** 1 for durable ingest (acked after storage); 0 for best effort (ack() is a no-op). */
  readonly qos: 0 | 1;
}

export interface DurableSubscriberOptions {
  /** `mqtt://host:port` (port defaults to 1883). Credentials go in `username`/`password`, not here. */
  readonly url: string;
  /** Names the broker session; the same id after a restart resumes it. */
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly subscriptions: readonly DurableSubscription[];
  /** How long the broker keeps the session (and our unacked messages) after a disconnect. Clean Start is always false. */
  readonly sessionExpirySeconds?: number;
  /** MQTT 5 Receive Maximum: at most this many QoS 1 messages unacked towards us at once. */
  readonly receiveMaximum?: number;
  readonly keepaliveSeconds?: number;
  /** A connection attempt without CONNACK after this long is abandoned and retried. */
  readonly connectTimeoutMs?: number;
  readonly reconnect?: BackoffSettings;
}

export const durableSubscriberDefaults = {
  sessionExpirySeconds: 86_400,
  receiveMaximum: 1_000,
  keepaliveSeconds: 30,
  connectTimeoutMs: 10_000,
  reconnect: { initialMs: 200, maxMs: 10_000 },
} as const;

export interface ResolvedOptions {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: Buffer | undefined;
  readonly subscriptions: readonly DurableSubscription[];
  readonly sessionExpirySeconds: number;
  readonly receiveMaximum: number;
  readonly keepaliveSeconds: number;
  readonly connectTimeoutMs: number;
  readonly reconnect: BackoffSettings;
}

/** Applies defaults and checks every value; throws InputError naming the key on the first bad one. */
export function resolveOptions(options: DurableSubscriberOptions): ResolvedOptions {
  const endpoint = parseUrl(options.url);
  if (options.clientId.length === 0) fail('clientId', 'a non-empty string', '""');
  if (options.subscriptions.length === 0) fail('subscriptions', 'at least one subscription', '[]');
  for (const [index, subscription] of options.subscriptions.entries()) {
    if (subscription.filter.length === 0) fail(`subscriptions[${index}].filter`, 'a non-empty topic filter', '""');
  }
  const resolved: ResolvedOptions = {
    url: options.url,
    ...endpoint,
    clientId: options.clientId,
    username: options.username,
    password: options.password === undefined ? undefined : Buffer.from(options.password, 'utf8'),
    subscriptions: options.subscriptions,
    sessionExpirySeconds: options.sessionExpirySeconds ?? durableSubscriberDefaults.sessionExpirySeconds,
    receiveMaximum: options.receiveMaximum ?? durableSubscriberDefaults.receiveMaximum,
    keepaliveSeconds: options.keepaliveSeconds ?? durableSubscriberDefaults.keepaliveSeconds,
    connectTimeoutMs: options.connectTimeoutMs ?? durableSubscriberDefaults.connectTimeoutMs,
    reconnect: options.reconnect ?? durableSubscriberDefaults.reconnect,
  };
  checkInteger('sessionExpirySeconds', resolved.sessionExpirySeconds, 0, 0xffff_ffff);
  checkInteger('receiveMaximum', resolved.receiveMaximum, 1, 0xffff);
  checkInteger('keepaliveSeconds', resolved.keepaliveSeconds, 0, 0xffff);
  checkInteger('connectTimeoutMs', resolved.connectTimeoutMs, 1, 600_000);
  checkInteger('reconnect.initialMs', resolved.reconnect.initialMs, 1, 3_600_000);
  checkInteger('reconnect.maxMs', resolved.reconnect.maxMs, resolved.reconnect.initialMs, 3_600_000);
  return resolved;
}

function parseUrl(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('url', 'mqtt://host:port', JSON.stringify(url));
  }
  if (parsed.protocol !== 'mqtt:') fail('url', 'the mqtt: scheme (TLS is not supported yet)', JSON.stringify(url));
  if (parsed.username !== '' || parsed.password !== '') fail('url', 'no credentials in the URL (use username and password)', 'credentials');
  if (parsed.hostname === '') fail('url', 'a host name', JSON.stringify(url));
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { host, port: parsed.port === '' ? 1883 : Number(parsed.port) };
}

function checkInteger(key: string, value: number, minimum: number, maximum: number): void {
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    fail(key, `an integer from ${minimum} to ${maximum}`, String(value));
  }
}

function fail(key: string, expected: string, found: string): never {
  throw new InputError('SF_CONFIG_INVALID', `durable MQTT subscriber option ${key}: expected ${expected}, found ${found}`);
}
