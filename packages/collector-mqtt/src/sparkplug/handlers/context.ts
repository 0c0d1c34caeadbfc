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
  /** The session of an edge node, created (offline, never born) on first sight. */
  session(group: string, edgeNode: string): EdgeNodeSession;
  /** The session of an edge node, if any message of it was seen. */
  findSession(group: string, edgeNode: string): EdgeNodeSession | undefined;
  /** Checks the seq of a message after the NBIRTH; on a gap asks for a Rebirth. */
  checkSeq(session: EdgeNodeSession, seq: number | undefined): void;
  /** Publishes a Rebirth NCMD unless one was sent within the debounce window or is still pending. */
  requestRebirth(session: EdgeNodeSession, reason: string): void;
}

export function emptyDecoded(): Decoded {
  return { accepted: [], rejected: [] };
}
