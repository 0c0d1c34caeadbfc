import type { Point } from '@shopfloor/model';
import type { MetricTable } from '../session.ts';

/**
 * Marks a table's tags stale: each metric with a last value gets that value again, quality bad, at
 * the time of receipt, or 1 ms after the last value when that is later. The last value carries the
 * edge node's clock; should it run ahead of ours, a stale point at our time would be older than the
 * value it marks, and the tag's latest value would stay good.
 */
export function pushStalePoints(table: MetricTable, receivedAt: number, out: Point[]): void {
  for (const entry of table.byName.values()) {
    const last = entry.last;
    if (entry.emits && last !== undefined) out.push({ tag: entry.tag, ts: Math.max(receivedAt, last.ts + 1), value: last.value, quality: 'bad' });
  }
}
