import type { Decoded } from '@shopfloor/model';
import { emptyMetricTable, type MetricTable } from '../session.ts';
import { metricTagPath } from '../tag-path.ts';
import type { DeviceTopic, NodeTopic } from '../topic.ts';
import type { SparkplugMessage } from './context.ts';
import { emitMetric } from './metric-point.ts';

/** Metrics that describe the session or the node rather than the process: read, not stored. */
export function isSessionMetric(name: string): boolean {
  return name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Properties/');
}

/**
 * Builds the alias table of an NBIRTH or DBIRTH and emits its values as points into `out`. A birth
 * metric without a name or datatype cannot be learnt: it is one `malformed-payload` rejection.
 */
export function readBirthMetrics(message: SparkplugMessage<NodeTopic | DeviceTopic>, tagBase: string, out: Decoded): MetricTable {
  const table = emptyMetricTable();
  const { topic, payload } = message;
  const defaultTs = payload.timestamp ?? message.receivedAt;
  for (let index = 0; index < payload.metrics.length; index++) {
    const metric = payload.metrics[index];
    if (metric === undefined) continue;
    const { name, datatype } = metric;
    if (name === undefined || datatype === undefined) {
      const missing = name === undefined ? 'a name' : `a datatype (metric "${name}")`;
      out.rejected.push({ reason: 'malformed-payload', input: `${topic}[${index}]`, detail: `${message.address.type} metric has no ${missing}`, count: 1 });
      continue;
    }
    const entry = { name, tag: metricTagPath(tagBase, name), datatype, emits: !isSessionMetric(name), last: undefined };
    table.byName.set(name, entry);
    if (metric.alias !== undefined) table.byAlias.set(metric.alias, entry);
    if (entry.emits) emitMetric(entry, metric, defaultTs, topic, index, out);
  }
  return table;
}
