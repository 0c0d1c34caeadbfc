import type { Decoded } from '@shopfloor/model';
import type { ReceivedPayload } from '../payload.ts';
import type { EdgeNodeSession } from '../session.ts';
import type { DeviceTopic, NodeTopic } from '../topic.ts';

/** One decoded message as a handler gets it. */
export interface SparkplugMessage<Address extends NodeTopic | DeviceTopic> {
  readonly topic: string;
  readonly address: Address;
  readonly payload: ReceivedPayload;
  readonly receivedAt: number;
}

/** What the host state machine lends its message handlers. */
export interface HandlerContext {
  readonly tagPrefix: string | undefined;
  /** The session of an edge node whose NBIRTH the host has seen (online or not since); only NBIRTH creates one. */
  findSession(group: string, edgeNode: string): EdgeNodeSession | undefined;
  /** A new, never-born session for the NBIRTH of an unseen edge node; undefined (warning logged) at the edge node limit. */
  createSession(group: string, edgeNode: string): EdgeNodeSession | undefined;
  /** Why edge nodes without a session cannot get one (the limit is reached), or undefined when they can. */
  untrackedReason(): string | undefined;
  /** Checks the seq of a message after the NBIRTH; on a gap asks for a Rebirth. */
  checkSeq(session: EdgeNodeSession, seq: number | undefined): void;
  /**
   * Publishes a Rebirth NCMD unless one was sent within the debounce window or is still pending. For
   * an edge node without a session the debounce state is kept in a bounded table, not a session.
   */
  requestRebirth(group: string, edgeNode: string, reason: string): void;
}

export function emptyDecoded(): Decoded {
  return { accepted: [], rejected: [] };
}
