import { UnavailableError } from '@shopfloor/model';
import type { ControlReply } from '../edge/edge-transport.ts';

/** The hub end of one transport. */
export interface ReceiverTransport {
  /** Sends a configuration and waits for the edge's reply. */
  pushConfig(edgeId: string, version: number, document: unknown): Promise<ControlReply>;
  /** Stops taking messages (the broker session or the stream keeps the rest). */
  stop(): Promise<void>;
  /** Closes the connection (after `stop` and after the last settlements went out). */
  close(): Promise<void>;
}

export function unreachable(edgeId: string, version: number, timeoutMs: number, detail: string): UnavailableError {
  return new UnavailableError(
    'SF_EDGE_UNREACHABLE',
    `edge "${edgeId}" did not answer configuration version ${version} within ${timeoutMs} ms (${detail}); it may be offline or run a one-way uplink`,
  );
}

/** The edge's reply off the wire, checked. */
export function parseControlReply(payload: Uint8Array): (ControlReply & { id?: string }) | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
    if (typeof parsed['ok'] !== 'boolean' || typeof parsed['version'] !== 'number') return undefined;
    return {
      ok: parsed['ok'],
      version: parsed['version'],
      ...(typeof parsed['error'] === 'string' ? { error: parsed['error'] } : {}),
      ...(typeof parsed['id'] === 'string' ? { id: parsed['id'] } : {}),
    };
  } catch {
    return undefined;
  }
}
