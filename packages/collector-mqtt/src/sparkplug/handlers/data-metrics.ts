import type { Decoded } from '@shopfloor/model';
import type { EdgeNodeSession, MetricEntry, MetricTable } from '../session.ts';
import type { DeviceTopic, NodeTopic } from '../topic.ts';
import type { HandlerContext, SparkplugMessage } from './context.ts';
import { emitMetric } from './metric-point.ts';

/**
 * Resolves each metric of an NDATA or DDATA by alias (else by name) against its BIRTH and emits it.
 * A metric the BIRTH did not declare is one `unknown-alias` rejection and asks for a Rebirth.
 */
export function readDataMetrics(
  context: HandlerContext,
  session: EdgeNodeSession,
  table: MetricTable,
  message: SparkplugMessage<NodeTopic | DeviceTopic>,
): Decoded {
  const out: Decoded = { accepted: [], rejected: [] };
  const { topic, payload } = message;
  const defaultTs = payload.timestamp ?? message.receivedAt;
  let unknown = 0;
  for (let index = 0; index < payload.metrics.length; index++) {
    const metric = payload.metrics[index];
    if (metric === undefined) continue;
    let entry: MetricEntry | undefined;
    if (metric.alias !== undefined) entry = table.byAlias.get(metric.alias);
    if (entry === undefined && metric.name !== undefined) entry = table.byName.get(metric.name);
    if (entry === undefined) {
      unknown += 1;
      out.rejected.push({ reason: 'unknown-alias', input: `${topic}[${index}]`, detail: unknownDetail(metric.alias, metric.name, message), count: 1 });
      continue;
    }
    if (entry.emits) emitMetric(entry, metric, defaultTs, topic, index, out);
  }
  if (unknown > 0) context.requestRebirth(session.group, session.edgeNode, `${unknown} metric(s) of ${topic} not declared in the birth certificate`);
  return out;
}

function unknownDetail(alias: number | undefined, name: string | undefined, message: SparkplugMessage<NodeTopic | DeviceTopic>): string {
  const birth = message.address.type === 'NDATA' ? 'NBIRTH' : 'DBIRTH';
  if (alias !== undefined) return `metric alias ${alias}${name === undefined ? '' : ` ("${name}")`} is not in the ${birth}`;
  if (name !== undefined) return `metric "${name}" is not in the ${birth}`;
  return 'metric has neither a name nor an alias';
}
