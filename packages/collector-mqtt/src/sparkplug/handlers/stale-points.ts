import type { Point } from '@shopfloor/model';
import type { MetricTable } from '../session.ts';

/** Marks a table's tags stale: each metric with a last value gets that value again, quality bad, at `ts`. */
export function pushStalePoints(table: MetricTable, ts: number, out: Point[]): void {
  for (const entry of table.byName.values()) {
    if (entry.emits && entry.last !== undefined) out.push({ tag: entry.tag, ts, value: entry.last.value, quality: 'bad' });
  }
}
