import type { Closeable, Logger } from '@shopfloor/engine';

export const durableSubscriberStatuses = ['connecting', 'connected', 'disconnected', 'closed'] as const;
export type DurableSubscriberStatus = (typeof durableSubscriberStatuses)[number];

/**
 * Receives every PUBLISH in arrival order. For QoS 1, call `ack` once the message is durably
 * stored, from any later turn of the event loop; PUBACKs still leave in arrival order. `ack` of a
 * message from an earlier connection does nothing (the broker redelivers it), and for QoS 0 it is
 * a no-op. Must not throw: a throw drops the connection so the broker redelivers.
 */
export type MessageHandler = (topic: string, payload: Buffer, ack: () => void, qos: 0 | 1) => void;

export interface DurableSubscriberDeps {
  readonly logger: Logger;
  readonly onMessage: MessageHandler;
  /** Jitter source for reconnect delays (tests pass a constant). */
  readonly random?: () => number;
}

export interface DurableSubscriberCounters {
  /** PUBLISH packets received (all QoS, redeliveries included). */
  messages: number;
  /** Of those, redeliveries (DUP flag set). */
  redelivered: number;
  /** PUBACKs written. */
  acked: number;
  /** Connections established after the first. */
  reconnects: number;
}

export type DurableSubscriberEvent =
  | { readonly type: 'connecting'; readonly attempt: number }
  | { readonly type: 'connected'; readonly sessionPresent: boolean; readonly generation: number }
  | { readonly type: 'disconnected'; readonly reason: string; readonly retryInMs: number; readonly error?: Error }
  | { readonly type: 'subscribe-failed'; readonly filter: string; readonly error: Error }
  | { readonly type: 'closed' };

export interface DurableSubscriber extends Closeable {
  readonly status: DurableSubscriberStatus;
  /** Live counters (read-only view). */
  readonly counters: Readonly<DurableSubscriberCounters>;
  /** Status changes from now on; ends after `closed`. */
  events(): AsyncIterableIterator<DurableSubscriberEvent, undefined>;
  /**
   * Publishes on the subscriber's connection; QoS 1 resolves on PUBACK. Rejects with
   * UnavailableError when not connected or when the connection drops first (nothing is resent).
   */
  publish(topic: string, payload: string | Buffer, qos: 0 | 1): Promise<void>;
  /** Acks what is releasable, sends DISCONNECT (the session and unacked messages stay with the broker). Idempotent. */
  close(): Promise<void>;
}
