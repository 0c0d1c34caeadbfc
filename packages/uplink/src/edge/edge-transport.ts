import type { Logger } from '@shopfloor/engine';
import type { UplinkConfig } from '../config.ts';
import type { ConnectionCounters } from './connection-loop.ts';

/** A configuration pushed by the hub. */
export interface ControlRequest {
  readonly kind: 'config';
  readonly version: number;
  readonly document: unknown;
}

/** The edge's answer: whether it applied the configuration, and the version it runs now. */
export interface ControlReply {
  readonly ok: boolean;
  readonly version: number;
  readonly error?: string;
}

/** What a transport reports to the sender. */
export interface EdgeTransportEvents {
  up(): void;
  down(reason: string): void;
  /** The entries may leave the outbox (see the guarantee of each transport in the README). */
  delivered(seqs: readonly number[]): void;
  /** A publish was refused or failed on a live connection. */
  failed(seq: number, retryAfterMs: number): void;
  /** Not called in one-way mode. */
  control(request: ControlRequest, reply: (reply: ControlReply) => void): void;
}

export interface EdgeTransport {
  start(): void;
  /** Publishes one message; false when not connected. */
  send(seq: number, message: Uint8Array): boolean;
  readonly counters: ConnectionCounters;
  close(): Promise<void>;
}

export interface EdgeTransportContext {
  readonly config: UplinkConfig;
  readonly edgeId: string;
  /** The outbox stream id: acknowledgements for another stream are ignored. */
  readonly stream: string;
  readonly logger: Logger;
  readonly events: EdgeTransportEvents;
}

/** Reads a control request off the wire; undefined (with the reason) when it is not one. */
export function parseControlRequest(payload: Uint8Array): { request: ControlRequest; id: string | undefined } | { problem: string; id: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { problem: 'control message is not JSON', id: undefined };
  }
  if (typeof parsed !== 'object' || parsed === null) return { problem: 'control message is not an object', id: undefined };
  const { id, kind, version, document } = parsed as Record<string, unknown>;
  const requestId = typeof id === 'string' ? id : undefined;
  if (kind !== 'config') return { problem: `control message kind ${JSON.stringify(kind)} is not "config"`, id: requestId };
  if (typeof version !== 'number' || !Number.isSafeInteger(version))
    return { problem: `control message version ${JSON.stringify(version)} is not an integer`, id: requestId };
  return { request: { kind: 'config', version, document }, id: requestId };
}

/** Calls the sender back with a reply that reports a failure of the handler instead of throwing. */
export function safeReply(reply: (value: ControlReply) => void): (value: ControlReply) => void {
  let sent = false;
  return (value) => {
    if (sent) return;
    sent = true;
    reply({ ok: value.ok, version: value.version, ...(value.error === undefined ? {} : { error: value.error }) });
  };
}
