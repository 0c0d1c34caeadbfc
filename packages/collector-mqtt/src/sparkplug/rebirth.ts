import { BugError } from '@shopfloor/model';
import sparkplug from 'sparkplug-payload';
import { nodeCommandTopic } from './topic.ts';

export const rebirthMetricName = 'Node Control/Rebirth';

/** The NCMD asking an edge node to publish its NBIRTH and DBIRTHs again (spec 3.0 §5.3). QoS 0, not retained. */
export function rebirthCommand(group: string, edgeNode: string, timestamp: number): { topic: string; payload: Buffer } {
  const codec = sparkplug.get('spBv1.0');
  if (codec === null) throw new BugError('sparkplug-payload has no codec for the spBv1.0 namespace');
  const bytes = codec.encodePayload({ timestamp, metrics: [{ name: rebirthMetricName, type: 'Boolean', value: true }] });
  return { topic: nodeCommandTopic(group, edgeNode), payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
