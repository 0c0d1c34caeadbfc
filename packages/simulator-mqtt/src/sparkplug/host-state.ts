/** A primary host application's STATE message (spec 3.0 §4.3): `{"online": bool, "timestamp": n}`. */
export interface HostState {
  readonly online: boolean;
  readonly timestamp: number;
}

/** Reads a STATE payload; undefined when it is not the JSON object of the spec. Never throws. */
export function parseHostState(payload: Uint8Array): HostState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { online, timestamp } = parsed as { online?: unknown; timestamp?: unknown };
  if (typeof online !== 'boolean' || typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined;
  return { online, timestamp };
}

/**
 * Follows the primary host's STATE: a message older than the newest one seen is a stale retained
 * copy and is ignored (tck-id-operational-behavior-edge-node-termination-host-offline-timestamp).
 * Returns the state to act on, or undefined to ignore the message.
 */
export class HostStateTracker {
  #newest: number | undefined;
  #online = false;

  get online(): boolean {
    return this.#online;
  }

  /** Forgets whether the host is online (a new connection must see its STATE again), not the newest timestamp. */
  reset(): void {
    this.#online = false;
  }

  accept(state: HostState): HostState | undefined {
    if (this.#newest !== undefined && state.timestamp < this.#newest) return undefined;
    this.#newest = state.timestamp;
    this.#online = state.online;
    return state;
  }
}
