import type { Point, PointValue, Rejection, TagPath } from '@shopfloor/model';
import type { DataValue, NotificationMessage } from 'node-opcua-client';
import { describeVariant, placeholderOf, pointValueOf, qualityOf, timestampOf } from './data-value.ts';
import type { Binding } from './resolve-bindings.ts';

/** The last value delivered for a tag and its timestamp. */
export interface LastSeen {
  readonly value: PointValue;
  readonly ts: number;
}

export interface NotificationPoints {
  readonly points: { readonly point: Point; readonly binding: Binding }[];
  readonly rejected: Rejection[];
  /** Data changes whose client handle is not (yet) known, to be matched once it is. */
  readonly unmatched: { readonly clientHandle: number; readonly value: DataValue }[];
}

/**
 * The points of one NotificationMessage: every DataChangeNotification item of a known client
 * handle becomes a point (a value without a usable Variant takes the tag's last value, or 0 /
 * false / '' when there is none, if its status is not Good; otherwise it is rejected as wrong-type).
 * `lastSeen` is updated.
 */
export function notificationPoints(
  message: NotificationMessage,
  byHandle: ReadonlyMap<number, Binding>,
  lastSeen: Map<TagPath, LastSeen>,
  now: number,
): NotificationPoints {
  const out: NotificationPoints = { points: [], rejected: [], unmatched: [] };
  for (const notification of message.notificationData ?? []) {
    if (notification === null || notification.schema.name !== 'DataChangeNotification') continue;
    for (const item of (notification as unknown as { monitoredItems?: { clientHandle: number; value: DataValue }[] | null }).monitoredItems ?? []) {
      const binding = byHandle.get(item.clientHandle);
      if (binding === undefined) out.unmatched.push(item);
      else dataChangePoint(binding, item.value, lastSeen, now, out);
    }
  }
  return out;
}

/** Adds the point (or rejection) of one data change of a known binding to `out`. */
export function dataChangePoint(binding: Binding, dataValue: DataValue, lastSeen: Map<TagPath, LastSeen>, now: number, out: NotificationPoints): void {
  const quality = qualityOf(dataValue.statusCode);
  let value = pointValueOf(dataValue.value);
  if (value === undefined && quality !== 'good') value = lastSeen.get(binding.tag)?.value ?? placeholderOf(binding.kind);
  if (value === undefined) {
    out.rejected.push({
      reason: 'wrong-type',
      input: binding.tag,
      detail: `tag "${binding.tag}" (${binding.nodeId.toString()}): an OPC UA ${describeVariant(dataValue.value)} value (${dataValue.statusCode.name}) is not a number, boolean or string`,
      count: 1,
    });
    return;
  }
  const ts = timestampOf(dataValue, now);
  lastSeen.set(binding.tag, { value, ts });
  out.points.push({ point: { tag: binding.tag, ts, value, quality }, binding });
}
