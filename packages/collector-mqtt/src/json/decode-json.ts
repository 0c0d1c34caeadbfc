import { isQuality, maxTimestampMs, tagPathProblem, type Decoded, type Point, type PointValue, type Rejection } from '@shopfloor/model';

/**
 * Plain JSON on a unified namespace (docs/payloads.md). The topic is a tag path.
 *
 * Single value, topic = the tag:
 *   `21.5` | `true` | `"RUNNING"` | `{"value": 21.5, "ts": 1764028800000, "quality": "good"}`
 * Batch, topic = a path prefix (or the tag itself when entries carry no `tag`):
 *   `{"points": [{"tag": "oil-temp", "ts": 1764028800000, "value": 71.5}, ...]}`
 *   `{"ts": 1764028800000, "values": {"oil-temp": 71.5, "pressure": 3.2}}`
 * `ts` is epoch milliseconds or an ISO 8601 string; absent, it is the time of receipt.
 * `quality` is good (default), uncertain or bad.
 */
export interface JsonDecodeOptions {
  readonly maxPayloadBytes: number;
}

const textDecoder = new TextDecoder();

/** Topics already found to be valid tag paths: the check splits and matches every segment, so it is done once per topic. */
const validTopics = new Set<string>();
const validTopicsLimit = 200_000;

function rememberValidTopic(topic: string): void {
  if (validTopics.size >= validTopicsLimit) validTopics.clear();
  validTopics.add(topic);
}

/**
 * `topic/relative`, as the same string object each time: the tag directory and the store look every
 * path up in hash maps, and a freshly concatenated string pays for flattening and hashing on each
 * lookup while a reused one has its hash cached.
 */
const joinedPaths = new Map<string, Map<string, string>>();
let joinedPathCount = 0;

function joinedPath(topic: string, relative: string): string {
  let byRelative = joinedPaths.get(topic);
  if (byRelative === undefined) {
    if (joinedPathCount >= validTopicsLimit) {
      joinedPaths.clear();
      joinedPathCount = 0;
    }
    byRelative = new Map();
    joinedPaths.set(topic, byRelative);
  }
  let path = byRelative.get(relative);
  if (path === undefined) {
    path = `${topic}/${relative}`;
    byRelative.set(relative, path);
    joinedPathCount += 1;
  }
  return path;
}

export function decodeJsonPayload(topic: string, payload: Uint8Array, receivedAt: number, options: JsonDecodeOptions): Decoded {
  if (payload.length > options.maxPayloadBytes) {
    return whole('oversize-payload', topic, `payload of ${payload.length} bytes is larger than the limit of ${options.maxPayloadBytes} bytes`);
  }
  if (!validTopics.has(topic)) {
    const topicProblem = tagPathProblem(topic);
    if (topicProblem !== undefined) return whole('bad-topic', topic, `topic "${topic}" is not a tag path: it ${topicProblem}`);
    rememberValidTopic(topic);
  }
  let body: unknown;
  try {
    body = JSON.parse(textDecoder.decode(payload));
  } catch (error) {
    return whole('malformed-json', topic, `payload is not JSON: ${(error as Error).message}`);
  }
  const accepted: Point[] = [];
  const rejected: Rejection[] = [];
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    if ('points' in record) decodePointsArray(topic, record, receivedAt, accepted, rejected);
    else if ('values' in record) decodeValuesMap(topic, record, receivedAt, accepted, rejected);
    else decodeEntry(topic, topic, record, receivedAt, accepted, rejected);
  } else {
    const value = checkValue(body);
    if (value === undefined) rejected.push(wrongValue(topic, body));
    else accepted.push({ tag: topic, ts: receivedAt, value, quality: 'good' });
  }
  return { accepted, rejected };
}

function decodePointsArray(topic: string, record: Record<string, unknown>, receivedAt: number, accepted: Point[], rejected: Rejection[]): void {
  const points = record['points'];
  if (!Array.isArray(points)) {
    rejected.push({ reason: 'wrong-type', input: topic, detail: `"points" must be an array of {tag, ts, value, quality}; got ${typeName(points)}`, count: 1 });
    return;
  }
  for (let index = 0; index < points.length; index++) {
    const entry: unknown = points[index];
    const input = `${topic}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      rejected.push({ reason: 'wrong-type', input, detail: `${input}: each entry of "points" must be an object; got ${typeName(entry)}`, count: 1 });
      continue;
    }
    const fields = entry as Record<string, unknown>;
    const relative = fields['tag'];
    let tag = topic;
    if (relative !== undefined) {
      if (typeof relative !== 'string' || relative.length === 0) {
        rejected.push({
          reason: 'bad-topic',
          input,
          detail: `${input}: "tag" must be a non-empty path relative to the topic; got ${typeName(relative)}`,
          count: 1,
        });
        continue;
      }
      tag = joinedPath(topic, relative);
    }
    decodeEntry(tag, input, fields, receivedAt, accepted, rejected);
  }
}

function decodeValuesMap(topic: string, record: Record<string, unknown>, receivedAt: number, accepted: Point[], rejected: Rejection[]): void {
  const values = record['values'];
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    rejected.push({ reason: 'wrong-type', input: topic, detail: `"values" must be an object of tag → value; got ${typeName(values)}`, count: 1 });
    return;
  }
  const ts = checkTimestamp(record['ts'], receivedAt);
  const quality = record['quality'] === undefined ? 'good' : record['quality'];
  const entries = Object.entries(values as Record<string, unknown>);
  if (ts === undefined || !isQuality(quality)) {
    const [reason, detail] =
      ts === undefined
        ? (['bad-timestamp', `"ts" must be epoch milliseconds or an ISO 8601 string; got ${excerpt(record['ts'])}`] as const)
        : (['bad-quality', `"quality" must be good, uncertain or bad; got ${excerpt(quality)}`] as const);
    rejected.push({ reason, input: topic, detail, count: Math.max(1, entries.length) });
    return;
  }
  for (const [relative, raw] of entries) {
    const tag = joinedPath(topic, relative);
    const value = checkValue(raw);
    if (value === undefined) rejected.push(wrongValue(tag, raw));
    else accepted.push({ tag, ts, value, quality });
  }
}

function decodeEntry(tag: string, input: string, fields: Record<string, unknown>, receivedAt: number, accepted: Point[], rejected: Rejection[]): void {
  const value = checkValue(fields['value']);
  if (value === undefined) {
    rejected.push(wrongValue(input, fields['value']));
    return;
  }
  const ts = checkTimestamp(fields['ts'], receivedAt);
  if (ts === undefined) {
    rejected.push({
      reason: 'bad-timestamp',
      input,
      detail: `${input}: "ts" must be epoch milliseconds or an ISO 8601 string; got ${excerpt(fields['ts'])}`,
      count: 1,
    });
    return;
  }
  const quality: unknown = fields['quality'] ?? 'good';
  if (!isQuality(quality)) {
    rejected.push({ reason: 'bad-quality', input, detail: `${input}: "quality" must be good, uncertain or bad; got ${excerpt(quality)}`, count: 1 });
    return;
  }
  accepted.push({ tag, ts, value, quality });
}

function checkValue(value: unknown): PointValue | undefined {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return undefined;
}

function checkTimestamp(ts: unknown, receivedAt: number): number | undefined {
  if (ts === undefined) return receivedAt;
  if (typeof ts === 'number') return Number.isFinite(ts) && ts > 0 && ts <= maxTimestampMs ? Math.round(ts) : undefined;
  if (typeof ts === 'string' && ts.length >= 10 && ts.length <= 40) {
    const parsed = Date.parse(ts);
    return Number.isNaN(parsed) || parsed <= 0 ? undefined : parsed;
  }
  return undefined;
}

function wrongValue(input: string, value: unknown): Rejection {
  return { reason: 'wrong-type', input, detail: `${input}: "value" must be a number, boolean or string; got ${typeName(value)}`, count: 1 };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

function whole(reason: Rejection['reason'], input: string, detail: string): Decoded {
  return { accepted: [], rejected: [{ reason, input, detail, count: 1 }] };
}

/** A short rendering of a bad value for a message (never the whole of a large payload). */
function excerpt(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
