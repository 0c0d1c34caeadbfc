import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { longToNumber, type LongBits, type MetricValueFields } from './metric-value.ts';

// The protobuf types `sparkplug-payload` generated from sparkplug_b.proto. Its high-level
// `decodePayload` is not used: it drops values it cannot type (see metric-value.ts).
const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;

/** One metric of a received payload; header fields are undefined when absent on the wire. */
export interface ReceivedMetric {
  readonly name: string | undefined;
  readonly alias: number | undefined;
  readonly timestamp: number | undefined;
  readonly datatype: number | undefined;
  readonly isHistorical: boolean;
  readonly isNull: boolean;
  /** The raw value fields, decoded against the BIRTH datatype by `decodeMetricValue`. */
  readonly fields: MetricValueFields;
}

export interface ReceivedPayload {
  readonly timestamp: number | undefined;
  readonly seq: number | undefined;
  readonly metrics: readonly ReceivedMetric[];
}

export type PayloadDecoding = { readonly type: 'decoded'; readonly payload: ReceivedPayload } | { readonly type: 'malformed'; readonly problem: string };

/**
 * Decodes a Sparkplug B protobuf payload; never throws. protobufjs keeps defaults on the prototype
 * (an absent `seq` reads as 0), so presence is read with `Object.hasOwn`, as the library does.
 */
export function decodeSparkplugPayload(bytes: Uint8Array): PayloadDecoding {
  let decoded;
  try {
    decoded = protoPayload.decode(bytes);
  } catch (error) {
    return { type: 'malformed', problem: `is not a Sparkplug B protobuf payload (${error instanceof Error ? error.message : String(error)})` };
  }
  const metrics: ReceivedMetric[] = [];
  for (const metric of decoded.metrics) {
    metrics.push({
      name: Object.hasOwn(metric, 'name') ? (metric.name ?? undefined) : undefined,
      alias: ownLong(metric, 'alias'),
      timestamp: ownLong(metric, 'timestamp'),
      datatype: Object.hasOwn(metric, 'datatype') ? (metric.datatype ?? undefined) : undefined,
      isHistorical: metric.isHistorical === true,
      isNull: metric.isNull === true,
      fields: metric,
    });
  }
  return { type: 'decoded', payload: { timestamp: ownLong(decoded, 'timestamp'), seq: ownLong(decoded, 'seq'), metrics } };
}

function ownLong<K extends string>(message: Partial<Record<K, unknown>>, key: K): number | undefined {
  if (!Object.hasOwn(message, key)) return undefined;
  const value = message[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) return longToNumber(value as LongBits, false);
  return undefined;
}
