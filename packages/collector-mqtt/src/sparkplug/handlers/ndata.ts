import type { Decoded } from '@shopfloor/model';
import type { NodeTopic } from '../topic.ts';
import { rejectBeforeNodeBirth } from './before-birth.ts';
import type { HandlerContext, SparkplugMessage } from './context.ts';
import { readDataMetrics } from './data-metrics.ts';

/** NDATA: the edge node's own metrics, resolved against its NBIRTH. */
export function handleNdata(context: HandlerContext, message: SparkplugMessage<NodeTopic>): Decoded {
  const { group, edgeNode } = message.address;
  const session = context.findSession(group, edgeNode);
  if (session === undefined || !session.online) return rejectBeforeNodeBirth(context, message);
  context.checkSeq(session, message.payload.seq);
  return readDataMetrics(context, session, session.metrics, message);
}
