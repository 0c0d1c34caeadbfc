import type { Decoded } from '@shopfloor/model';
import { decodeMetricValue } from '../metric-value.ts';
import type { ReceivedMetric } from '../payload.ts';
import type { MetricEntry } from '../session.ts';

/**
 * Turns one received metric into a point of its entry's tag, or a rejection.
 * Timestamp: the metric's, else the payload's (`defaultTs`). A historical value is emitted (the
 * store keeps the newest by timestamp) but replaces the entry's last value only if it is not older.
 * A null metric (`is_null`) is emitted as the last value with quality bad; with no last value yet
 * there is no point to emit, and it is counted as one `wrong-type` rejection.
 */
export function emitMetric(entry: MetricEntry, metric: ReceivedMetric, defaultTs: number, topic: string, index: number, out: Decoded): void {
  const ts = metric.timestamp ?? defaultTs;
  if (metric.isNull) {
    if (entry.last !== undefined) out.accepted.push({ tag: entry.tag, ts, value: entry.last.value, quality: 'bad' });
    else {
      const detail = `metric "${entry.name}" is null and has no earlier value to repeat with quality bad`;
      out.rejected.push({ reason: 'wrong-type', input: `${topic}[${index}]`, detail, count: 1 });
    }
    return;
  }
  const decoded = decodeMetricValue(entry.datatype, metric.fields);
  if ('problem' in decoded) {
    out.rejected.push({ reason: 'wrong-type', input: `${topic}[${index}]`, detail: `metric "${entry.name}" ${decoded.problem}`, count: 1 });
    return;
  }
  out.accepted.push({ tag: entry.tag, ts, value: decoded.value, quality: 'good' });
  if (!metric.isHistorical || entry.last === undefined || ts >= entry.last.ts) entry.last = { value: decoded.value, ts };
}
