import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  StatusCodes,
  TimestampsToReturn,
  type ClientSubscription,
  type MonitoringParametersOptions,
  type StatusCode,
} from 'node-opcua-client';
import type { Binding } from './resolve-bindings.ts';

export interface MonitorOutcome {
  /** Items the server refused. */
  readonly refused: { readonly binding: Binding; readonly status: string }[];
  /** Items created without their deadband because the server refused it (a percent deadband without EURange, a non-numeric variable). */
  readonly withoutDeadband: { readonly binding: Binding; readonly status: string }[];
}

/** Items per CreateMonitoredItems request. */
const itemsPerRequest = 1_000;
const deadbandRefusals: readonly StatusCode[] = [
  StatusCodes.BadMonitoredItemFilterUnsupported,
  StatusCodes.BadDeadbandFilterInvalid,
  StatusCodes.BadFilterNotAllowed,
];

/**
 * Creates a monitored item per binding, one CreateMonitoredItems request per group of items that
 * share sampling interval, queue size and deadband. An item whose deadband the server refuses is
 * created again without it (reported in `withoutDeadband`). Created items go into `byHandle` by
 * client handle; `onCreated` runs as soon as a group's handles are known, so notifications that
 * raced ahead of the response can be matched.
 */
export async function monitorBindings(
  subscription: ClientSubscription,
  bindings: readonly Binding[],
  byHandle: Map<number, Binding>,
  onCreated: () => void,
): Promise<MonitorOutcome> {
  const outcome: MonitorOutcome = { refused: [], withoutDeadband: [] };
  const groups = new Map<string, Binding[]>();
  for (const binding of bindings) {
    const key = `${binding.samplingIntervalMs}|${binding.queueSize}|${binding.deadband?.type ?? ''}|${binding.deadband?.value ?? ''}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [binding]);
    else group.push(binding);
  }
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += itemsPerRequest) {
      const batch = group.slice(start, start + itemsPerRequest);
      const first = batch[0] as Binding;
      const refusedFilter = await create(subscription, batch, parameters(first, true), byHandle, outcome);
      onCreated();
      if (refusedFilter.length === 0) continue;
      const created = byHandle.size;
      await create(
        subscription,
        refusedFilter.map((refusal) => refusal.binding),
        parameters(first, false),
        byHandle,
        outcome,
      );
      onCreated();
      if (byHandle.size > created) {
        const retried = new Set([...byHandle.values()].slice(created));
        outcome.withoutDeadband.push(...refusedFilter.filter((refusal) => retried.has(refusal.binding)));
      }
    }
  }
  return outcome;
}

/** Creates the items; returns those refused only for their deadband (when there was one). */
async function create(
  subscription: ClientSubscription,
  batch: readonly Binding[],
  requested: MonitoringParametersOptions,
  byHandle: Map<number, Binding>,
  outcome: MonitorOutcome,
): Promise<{ binding: Binding; status: string }[]> {
  const group = await subscription.monitorItems(
    batch.map((binding) => ({ nodeId: binding.nodeId, attributeId: AttributeIds.Value })),
    requested,
    TimestampsToReturn.Both,
  );
  const refusedFilter: { binding: Binding; status: string }[] = [];
  group.monitoredItems.forEach((item, index) => {
    const binding = batch[index] as Binding;
    if (item.statusCode.isGood()) {
      byHandle.set(item.monitoringParameters.clientHandle, binding);
    } else if (requested.filter !== null && requested.filter !== undefined && deadbandRefusals.some((status) => status.value === item.statusCode.value)) {
      refusedFilter.push({ binding, status: item.statusCode.name });
    } else {
      outcome.refused.push({ binding, status: item.statusCode.name });
    }
  });
  return refusedFilter;
}

function parameters(binding: Binding, withDeadband: boolean): MonitoringParametersOptions {
  const deadband = withDeadband ? binding.deadband : undefined;
  return {
    samplingInterval: binding.samplingIntervalMs,
    queueSize: binding.queueSize,
    discardOldest: true,
    filter:
      deadband === undefined
        ? null
        : new DataChangeFilter({
            trigger: DataChangeTrigger.StatusValue,
            deadbandType: deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
            deadbandValue: deadband.value,
          }),
  };
}
