import type { Decoded } from '@shopfloor/model';
import type { EdgeNodeSession } from '../session.ts';
import type { DeviceTopic, NodeTopic } from '../topic.ts';
import type { HandlerContext, SparkplugMessage } from './context.ts';

/** Refuses a whole payload whose BIRTH the host has not seen (count = its metrics) and asks for a Rebirth. */
export function rejectBeforeBirth(
  context: HandlerContext,
  session: EdgeNodeSession,
  message: SparkplugMessage<NodeTopic | DeviceTopic>,
  missing: string,
): Decoded {
  context.requestRebirth(session, `${message.address.type} before ${missing}`);
  return {
    accepted: [],
    rejected: [
      {
        reason: 'data-before-birth',
        input: message.topic,
        detail: `${message.address.type} arrived before ${missing}; its metrics cannot be resolved`,
        count: message.payload.metrics.length,
      },
    ],
  };
}
