import type { Decoded } from '@shopfloor/model';
import { sparkplugTagBase } from '../tag-path.ts';
import type { DeviceTopic } from '../topic.ts';
import { rejectBeforeNodeBirth } from './before-birth.ts';
import { readBirthMetrics } from './birth-metrics.ts';
import { emptyDecoded, type HandlerContext, type SparkplugMessage } from './context.ts';

/** DBIRTH (re)declares a device's metrics and aliases and brings it online. */
export function handleDbirth(context: HandlerContext, message: SparkplugMessage<DeviceTopic>): Decoded {
  const { group, edgeNode, device } = message.address;
  const session = context.findSession(group, edgeNode);
  if (session === undefined || !session.online) return rejectBeforeNodeBirth(context, message);
  context.checkSeq(session, message.payload.seq);
  const out = emptyDecoded();
  const metrics = readBirthMetrics(message, sparkplugTagBase(context.tagPrefix, group, edgeNode, device), out);
  session.devices.set(device, { device, online: true, metrics });
  session.logger.debug('device online', { device });
  return out;
}
