import { decodeMetricValue } from '../metric-value.ts';
import type { ReceivedPayload } from '../payload.ts';

const uint64 = 8;

/** The `bdSeq` metric of an NBIRTH or NDEATH, as a number; undefined when absent or not an integer. */
export function readBdSeq(payload: ReceivedPayload): number | undefined {
  const metric = payload.metrics.find((candidate) => candidate.name === 'bdSeq');
  if (metric === undefined) return undefined;
  // The spec gives bdSeq datatype UInt64 (Tahu 2.x used Int64); read either integer field.
  const decoded = decodeMetricValue(metric.datatype ?? uint64, metric.fields);
  return 'value' in decoded && typeof decoded.value === 'number' ? decoded.value : undefined;
}
