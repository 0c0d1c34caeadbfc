import type { Decoded } from '@shopfloor/model';
import type { DeviceTopic, NodeTopic } from '../topic.ts';
import type { HandlerContext, SparkplugMessage } from './context.ts';

/**
 * Refuses a whole payload whose BIRTH the host has not seen and asks for a Rebirth. It counts as its
 * metrics, and as one when it has none (a payload that cannot be used still counts once).
 */
export function rejectBeforeBirth(context: HandlerContext, message: SparkplugMessage<NodeTopic | DeviceTopic>, missing: string): Decoded {
  const { type, group, edgeNode } = message.address;
  context.requestRebirth(group, edgeNode, `${type} before ${missing}`);
  return refuse(message, `${type} arrived before ${missing}; its metrics cannot be resolved`);
}

/** `rejectBeforeBirth` for a message of an edge node that is not online: unseen, dead, or beyond the edge node limit. */
export function rejectBeforeNodeBirth(context: HandlerContext, message: SparkplugMessage<NodeTopic | DeviceTopic>): Decoded {
  const { type, group, edgeNode } = message.address;
  const untracked = context.findSession(group, edgeNode) === undefined ? context.untrackedReason() : undefined;
  if (untracked === undefined) return rejectBeforeBirth(context, message, `the NBIRTH of ${group}/${edgeNode}`);
  return refuse(message, `${type} of ${group}/${edgeNode}, an edge node the host does not track (${untracked}); its metrics cannot be resolved`);
}

function refuse(message: SparkplugMessage<NodeTopic | DeviceTopic>, detail: string): Decoded {
  return {
    accepted: [],
    rejected: [{ reason: 'data-before-birth', input: message.topic, detail, count: Math.max(1, message.payload.metrics.length) }],
  };
}
