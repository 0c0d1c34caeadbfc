import type { Decoded } from '@shopfloor/model';
import type { NodeTopic } from '../topic.ts';
import { readBdSeq } from './bd-seq.ts';
import { emptyDecoded, type HandlerContext, type SparkplugMessage } from './context.ts';
import { pushStalePoints } from './stale-points.ts';

/**
 * NDEATH with the session's bdSeq takes the edge node and its devices offline and marks every tag
 * with a last value stale (that value, quality bad; timestamp as in `pushStalePoints`). An NDEATH with
 * another bdSeq belongs to an older session: ignored, and one `stale-session` rejection makes it
 * visible. An NDEATH of an edge node without a session is ignored (and creates none).
 */
export function handleNdeath(context: HandlerContext, message: SparkplugMessage<NodeTopic>): Decoded {
  const { group, edgeNode } = message.address;
  const out = emptyDecoded();
  const session = context.findSession(group, edgeNode);
  if (session === undefined) return out;
  const bdSeq = readBdSeq(message.payload);
  if (session.bdSeq !== undefined && bdSeq !== session.bdSeq) {
    out.rejected.push({
      reason: 'stale-session',
      input: message.topic,
      detail: `NDEATH with bdSeq ${bdSeq ?? '(none)'} does not end the current session (bdSeq ${session.bdSeq}); ignored`,
      count: 1,
    });
    return out;
  }
  if (!session.online) return out;
  session.online = false;
  pushStalePoints(session.metrics, message.receivedAt, out.accepted);
  for (const device of session.devices.values()) {
    if (!device.online) continue;
    device.online = false;
    pushStalePoints(device.metrics, message.receivedAt, out.accepted);
  }
  session.logger.info('edge node offline', { bdSeq, staleTags: out.accepted.length });
  return out;
}
