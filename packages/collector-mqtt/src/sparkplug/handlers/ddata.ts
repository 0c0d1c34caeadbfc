import type { Decoded } from '@shopfloor/model';
import type { DeviceTopic } from '../topic.ts';
import { rejectBeforeBirth, rejectBeforeNodeBirth } from './before-birth.ts';
import type { HandlerContext, SparkplugMessage } from './context.ts';
import { readDataMetrics } from './data-metrics.ts';

/** DDATA: a device's metrics, resolved against its DBIRTH. */
export function handleDdata(context: HandlerContext, message: SparkplugMessage<DeviceTopic>): Decoded {
  const { group, edgeNode, device } = message.address;
  const session = context.findSession(group, edgeNode);
  if (session === undefined || !session.online) return rejectBeforeNodeBirth(context, message);
  context.checkSeq(session, message.payload.seq);
  const deviceSession = session.devices.get(device);
  if (deviceSession === undefined || !deviceSession.online) return rejectBeforeBirth(context, message, `the DBIRTH of ${group}/${edgeNode}/${device}`);
  return readDataMetrics(context, session, deviceSession.metrics, message);
}
