import sparkplug from 'sparkplug-payload';
import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import type { SubscriberLine } from './live-mosquitto-sub.ts';

const codec = sparkplug.get('spBv1.0')!;
const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;

/** One metric as it was on the wire: absent fields are undefined (protobufjs keeps defaults on the prototype). */
export interface WireMetric {
  readonly name?: string;
  readonly alias?: number;
  readonly timestamp?: number;
  readonly datatype?: number;
  readonly isHistorical?: boolean;
  readonly isNull?: boolean;
  readonly intValue?: number;
  readonly longValue?: number;
  readonly floatValue?: number;
  readonly doubleValue?: number;
  readonly booleanValue?: boolean;
  readonly stringValue?: string;
}

export interface SparkplugLine {
  readonly topic: string;
  readonly type: string;
  readonly device: string | undefined;
  readonly timestamp: number | undefined;
  readonly seq: number | undefined;
  readonly metrics: readonly WireMetric[];
  /** The same payload decoded by sparkplug-payload's own decoder. */
  readonly decoded: UPayload;
}

function long(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    return (high >>> 0) * 2 ** 32 + (low >>> 0);
  }
  return undefined;
}

function own<T>(message: object, key: string, read: (value: unknown) => T | undefined = (value) => value as T): T | undefined {
  return Object.hasOwn(message, key) ? read((message as Record<string, unknown>)[key]) : undefined;
}

/** Decodes a mosquitto_sub line of a Sparkplug topic (the STATE topic is JSON and is not decoded here). */
export function decodeSparkplugLine(line: SubscriberLine): SparkplugLine {
  const levels = line.topic.split('/');
  const raw = protoPayload.decode(line.bytes);
  const metrics: WireMetric[] = raw.metrics.map((metric): WireMetric => {
    const fields: Record<string, unknown> = {};
    for (const key of ['name', 'datatype', 'isHistorical', 'isNull', 'intValue', 'floatValue', 'doubleValue', 'booleanValue', 'stringValue']) {
      const value = own(metric, key);
      if (value !== undefined) fields[key] = value;
    }
    for (const key of ['alias', 'timestamp', 'longValue']) {
      const value = own(metric, key, long);
      if (value !== undefined) fields[key] = value;
    }
    return fields;
  });
  return {
    topic: line.topic,
    type: levels[2] ?? '',
    device: levels[4],
    timestamp: own(raw, 'timestamp', long),
    seq: own(raw, 'seq', long),
    metrics,
    decoded: codec.decodePayload(line.bytes),
  };
}

/** The value a wire metric carries, for the datatype code `datatype`. */
export function wireValue(metric: WireMetric, datatype: number): number | boolean | string | undefined {
  switch (datatype) {
    case 3:
      return metric.intValue === undefined ? undefined : metric.intValue | 0;
    case 7:
      return metric.intValue;
    case 4:
    case 8:
      return metric.longValue;
    case 9:
      return metric.floatValue;
    case 10:
      return metric.doubleValue;
    case 11:
      return metric.booleanValue;
    case 12:
      return metric.stringValue;
    default:
      return undefined;
  }
}

export function encodeCommand(payload: UPayload): Buffer {
  return Buffer.from(codec.encodePayload(payload));
}
