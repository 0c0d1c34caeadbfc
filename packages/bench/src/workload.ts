/**
 * The workload shapes of PERFORMANCE.md §5: 1,000 UNS tags `enterprise/site/area/line/cell/asset/tag`,
 * each sampled once per second, time-major arrival; messages of 1, 20 or 100 points as plain JSON or
 * Sparkplug B DDATA. Messages are generated before a run, so the publisher only publishes.
 */
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';

export type WorkloadKind = 'json-single' | 'json-batch' | 'sparkplug';

export interface Workload {
  readonly kind: WorkloadKind;
  /** 1 for json-single; 20 or 100 (a divisor of 1,000) for batches. */
  readonly pointsPerMessage: number;
}

/** Which points a run carries: `seconds` × 1,000 points from second `firstSecond` on. */
export interface Span {
  /** First level of every tag (and the Sparkplug group): lets two consumers share one broker. */
  readonly enterprise: string;
  readonly baseTs: number;
  readonly firstSecond: number;
  readonly seconds: number;
}

export interface Message {
  readonly topic: string;
  readonly payload: Buffer;
}

export const tagCount = 1_000;
const tagNames = ['temperature', 'pressure', 'current', 'speed', 'vibration'] as const;
const units = ['degC', 'bar', 'A', 'rpm', 'mm/s'] as const;
const sparkplugDouble = 10;
const sparkplugUInt64 = 8;
const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;

/** The 7 levels of tag `index` (0–999): 2 areas × 5 lines × 5 cells × 4 assets × 5 tags. */
function levels(enterprise: string, index: number): string[] {
  return [
    enterprise,
    'plant1',
    `area${Math.floor(index / 500) + 1}`,
    `line${(Math.floor(index / 100) % 5) + 1}`,
    `cell${(Math.floor(index / 20) % 5) + 1}`,
    `asset${(Math.floor(index / 5) % 4) + 1}`,
    tagNames[index % 5] as string,
  ];
}

export function tagPaths(enterprise: string): string[] {
  return Array.from({ length: tagCount }, (_, index) => levels(enterprise, index).join('/'));
}

/** Levels shared by the tags of one message: 5 for 20-point messages, 4 for 100 (the rest is the relative tag). */
function prefixLevels(pointsPerMessage: number): number {
  if (pointsPerMessage === 20) return 5;
  if (pointsPerMessage === 100) return 4;
  throw new Error(`messages of ${pointsPerMessage} points are not a workload shape (1, 20 or 100)`);
}

function valueText(tag: number, second: number): string {
  return (20 + (tag % 50) + ((second * 31 + tag * 17) % 1000) / 1000).toFixed(3);
}

/** The data messages of a span, time-major: every second, the 1,000 tags in order. */
export function dataMessages(workload: Workload, span: Span, sparkplugSeq = 0): Message[] {
  if (workload.kind === 'json-single') return jsonSingle(span);
  if (workload.kind === 'json-batch') return jsonBatch(workload.pointsPerMessage, span);
  return sparkplugData(workload.pointsPerMessage, span, sparkplugSeq);
}

function jsonSingle(span: Span): Message[] {
  const topics = tagPaths(span.enterprise);
  const out: Message[] = [];
  for (let second = span.firstSecond; second < span.firstSecond + span.seconds; second++) {
    const ts = span.baseTs + second * 1_000;
    for (let tag = 0; tag < tagCount; tag++) {
      const payload = `{"ts":${ts},"value":${valueText(tag, second)},"quality":"good","unit":"${units[tag % 5] as string}"}`;
      out.push({ topic: topics[tag] as string, payload: Buffer.from(payload) });
    }
  }
  return out;
}

function jsonBatch(pointsPerMessage: number, span: Span): Message[] {
  const split = prefixLevels(pointsPerMessage);
  const out: Message[] = [];
  for (let second = span.firstSecond; second < span.firstSecond + span.seconds; second++) {
    const ts = span.baseTs + second * 1_000;
    for (let first = 0; first < tagCount; first += pointsPerMessage) {
      const entries: string[] = [];
      for (let tag = first; tag < first + pointsPerMessage; tag++) {
        const relative = levels(span.enterprise, tag).slice(split).join('/');
        entries.push(`{"tag":"${relative}","ts":${ts},"value":${valueText(tag, second)},"quality":"good"}`);
      }
      out.push({ topic: levels(span.enterprise, first).slice(0, split).join('/'), payload: Buffer.from(`{"points":[${entries.join(',')}]}`) });
    }
  }
  return out;
}

/** Sparkplug: group = enterprise, edge node = site, device = the shared levels joined by '-', metric = the rest. */
function sparkplugDevice(enterprise: string, pointsPerMessage: number, first: number): { device: string; metric: (tag: number) => string } {
  const split = prefixLevels(pointsPerMessage);
  return { device: levels(enterprise, first).slice(2, split).join('-'), metric: (tag) => levels(enterprise, tag).slice(split).join('/') };
}

function encode(payload: Parameters<typeof protoPayload.create>[0]): Buffer {
  return Buffer.from(protoPayload.encode(protoPayload.create(payload)).finish());
}

/** NBIRTH (seq 0) and one DBIRTH per device declaring aliases = tag index + 1; the births carry values at `ts`. */
export function sparkplugBirths(pointsPerMessage: number, enterprise: string, bdSeq: number, ts: number): Message[] {
  const out: Message[] = [
    {
      topic: `spBv1.0/${enterprise}/NBIRTH/plant1`,
      payload: encode({ timestamp: ts, seq: 0, metrics: [{ name: 'bdSeq', datatype: sparkplugUInt64, longValue: bdSeq }] }),
    },
  ];
  for (let first = 0; first < tagCount; first += pointsPerMessage) {
    const { device, metric } = sparkplugDevice(enterprise, pointsPerMessage, first);
    const metrics = [];
    for (let tag = first; tag < first + pointsPerMessage; tag++) metrics.push({ name: metric(tag), alias: tag + 1, datatype: sparkplugDouble, doubleValue: 0 });
    out.push({ topic: `spBv1.0/${enterprise}/DBIRTH/plant1/${device}`, payload: encode({ timestamp: ts, seq: out.length % 256, metrics }) });
  }
  return out;
}

/** DDATA with alias-only metrics and the payload timestamp; seq goes on from `seq` (the last birth's + 1). */
function sparkplugData(pointsPerMessage: number, span: Span, seq: number): Message[] {
  const out: Message[] = [];
  let next = seq;
  for (let second = span.firstSecond; second < span.firstSecond + span.seconds; second++) {
    const ts = span.baseTs + second * 1_000;
    for (let first = 0; first < tagCount; first += pointsPerMessage) {
      const { device } = sparkplugDevice(span.enterprise, pointsPerMessage, first);
      const metrics = [];
      for (let tag = first; tag < first + pointsPerMessage; tag++) metrics.push({ alias: tag + 1, doubleValue: Number(valueText(tag, second)) });
      out.push({ topic: `spBv1.0/${span.enterprise}/DDATA/plant1/${device}`, payload: encode({ timestamp: ts, seq: next, metrics }) });
      next = (next + 1) % 256;
    }
  }
  return out;
}

export function describeWorkload(workload: Workload): string {
  if (workload.kind === 'json-single') return 'JSON, 1 point/message';
  return `${workload.kind === 'json-batch' ? 'JSON batch' : 'Sparkplug DDATA'}, ${workload.pointsPerMessage} points/message`;
}
