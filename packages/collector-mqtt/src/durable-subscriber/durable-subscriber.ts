import type { Closeable, Logger } from '@shopfloor/engine';

export const durableSubscriberStatuses = ['connecting', 'connected', 'disconnected', 'closed'] as const;
export type DurableSubscriberStatus = (typeof durableSubscriberStatuses)[number];

/**
 * Receives every PUBLISH in arrival order. For QoS 1, call `ack` once the message is durably
 * stored, from any later turn of the event loop; PUBACKs still leave in arrival order. `ack` of a
 * message from an earlier connection does nothing (the broker redelivers it), and for QoS 0 it is
 * a no-op. Must not throw: a throw drops the connection so the broker redelivers.
 *
 * When the message cannot be stored, call `abort` instead of `ack`: it drops the connection the
 * message arrived on (like `DurableSubscriber.abort`), so the broker redelivers it and everything
 * unacknowledged after it. Unlike `DurableSubscriber.abort` it does nothing once that connection is
 * gone, so a failure reported late cannot drop the connection that replaced it. No-op for QoS 0.
 */
export type MessageHandler = (topic: string, payload: Buffer, ack: () => void, qos: 0 | 1, abort: (reason: string) => void) => void;

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
   * Drops the current connection at once, writing no PUBACK for what is not yet acknowledged, logs
   * `reason`, and reconnects with backoff: the broker redelivers every unacknowledged message. Acks of
   * the dropped connection's messages are ignored from then on. For an application that cannot store
   * what it received: an unacked message holds back the in-order PUBACKs behind it, and once Receive
   * Maximum are unacked nothing more is read. No-op unless connected (a connection attempt has
   * delivered nothing yet, so there is nothing of it to redeliver).
   */
  abort(reason: string): void;
  /**
   * Stops handing messages to `onMessage`, for a graceful stop: reading from the socket stops (TCP
   * pushes back on the broker) and held messages stay held, while keepalive PINGREQs keep the
   * connection alive and PUBACKs of acks made meanwhile are still written. Lasts until `close()`, across
   * reconnections; messages not handed over stay with the broker. Typical stop: `pause()`, wait until
   * the application has acked (or failed) what it was given, then `close()`.
   */
  pause(): void;
  /**
   * Publishes on the subscriber's connection; QoS 1 resolves on PUBACK. Rejects with
   * UnavailableError when not connected or when the connection drops first (nothing is resent).
   * Its QoS 1 PUBACK doubles as a barrier: it proves the broker has processed every packet we sent
   * before it (SUBSCRIBE, PUBACKs). While paused, PUBACKs are not read, so it settles only at close.
   */
  publish(topic: string, payload: string | Buffer, qos: 0 | 1): Promise<void>;
  /**
   * Writes the PUBACKs of everything acked so far (acks made just before the call included) and sends
   * DISCONNECT; the session and unacked messages stay with the broker. Idempotent.
   */
  close(): Promise<void>;
}
