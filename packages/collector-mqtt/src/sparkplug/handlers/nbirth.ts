import type { Decoded } from '@shopfloor/model';
import type { NodeTopic } from '../topic.ts';
import { readBdSeq } from './bd-seq.ts';
import { isSessionMetric, readBirthMetrics } from './birth-metrics.ts';
import { emptyDecoded, type HandlerContext, type SparkplugMessage } from './context.ts';

/**
 * NBIRTH starts a new session of the edge node: its bdSeq, seq 0, the node's alias table, and no
 * devices until their DBIRTHs. Devices of the previous session are dropped without stale points:
 * those would carry the host's clock and could outdate the DBIRTH values that follow at once.
 * It is the only message that creates a session; at the edge node limit a new node's NBIRTH is refused.
 */
export function handleNbirth(context: HandlerContext, message: SparkplugMessage<NodeTopic>): Decoded {
  const { group, edgeNode } = message.address;
  const session = context.findSession(group, edgeNode) ?? context.createSession(group, edgeNode);
  if (session === undefined) return refuseUntracked(context, message);
  const out = emptyDecoded();
  session.metrics = readBirthMetrics(message, session.tagBase, out);
  const bdSeq = readBdSeq(message.payload);
  const seq = message.payload.seq;
  session.online = true;
  session.bdSeq = bdSeq;
  session.lastSeq = seq ?? 0;
  session.devices.clear();
  session.rebirthPending = false;
  if (seq !== 0) session.logger.warn('NBIRTH seq is not 0; counting on from it', { seq });
  if (bdSeq === undefined) session.logger.warn('NBIRTH has no bdSeq metric; any NDEATH will end this session');
  session.logger.info('edge node online', { bdSeq });
  return out;
}

/** The NBIRTH of an edge node the host has no room for: its point metrics are refused, counted as one at least. */
function refuseUntracked(context: HandlerContext, message: SparkplugMessage<NodeTopic>): Decoded {
  const { group, edgeNode } = message.address;
  const points = message.payload.metrics.filter((metric) => metric.name === undefined || !isSessionMetric(metric.name)).length;
  const why = context.untrackedReason() ?? 'no session could be created';
  return {
    accepted: [],
    rejected: [
      {
        reason: 'data-before-birth',
        input: message.topic,
        detail: `NBIRTH of ${group}/${edgeNode} not learnt: ${why}; its metrics and later messages cannot be resolved`,
        count: Math.max(1, points),
      },
    ],
  };
}
