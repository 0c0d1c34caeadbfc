import type { Decoded } from '@shopfloor/model';
import type { DeviceTopic } from '../topic.ts';
import { emptyDecoded, type HandlerContext, type SparkplugMessage } from './context.ts';
import { pushStalePoints } from './stale-points.ts';

/** DDEATH takes a device offline and marks its tags stale (last value, quality bad; see `pushStalePoints` for the timestamp). */
export function handleDdeath(context: HandlerContext, message: SparkplugMessage<DeviceTopic>): Decoded {
  const { group, edgeNode, device } = message.address;
  const out = emptyDecoded();
  const session = context.findSession(group, edgeNode);
  if (session === undefined || !session.online) {
    context.requestRebirth(group, edgeNode, `DDEATH before the NBIRTH of ${group}/${edgeNode}`);
    return out;
  }
  context.checkSeq(session, message.payload.seq);
  const deviceSession = session.devices.get(device);
  if (deviceSession === undefined || !deviceSession.online) return out;
  deviceSession.online = false;
  pushStalePoints(deviceSession.metrics, message.receivedAt, out.accepted);
  session.logger.debug('device offline', { device, staleTags: out.accepted.length });
  return out;
}
