import type { PointValue, Quality } from '@shopfloor/model';
import { markPublished } from '../rate-schedule.ts';
import type { EdgeContext } from './edge-context.ts';
import { sentQuality, type DeviceEntry } from './metric-table.ts';
import { fieldValue } from './metric-types.ts';
import type { MetricMessage } from './payload-codec.ts';

const qualityCodes: Readonly<Record<Quality, number>> = { good: sentQuality.good, uncertain: sentQuality.uncertain, bad: sentQuality.bad };

/** Scratch list of the metrics of one DDATA, reused from tick to tick. */
const scratch: MetricMessage[] = [];

/** Is a tag's value or quality different from what was last sent (or held)? A bad tag counts once, when it turns bad. */
function changed(context: EdgeContext, index: number, value: PointValue, quality: number): boolean {
  const last = context.table.lastQualities[index];
  if (quality === sentQuality.bad) return last !== sentQuality.bad;
  return last !== quality || context.table.lastValues[index] !== value;
}

function record(context: EdgeContext, index: number, value: PointValue | undefined, quality: number): void {
  context.table.lastValues[index] = value;
  context.table.lastQualities[index] = quality;
}

/** How many of the device's tags are due at `simTimeMs`. */
export function dueTagCount(device: DeviceEntry, simTimeMs: number): number {
  let count = 0;
  for (const rateClass of device.classes) if (simTimeMs >= rateClass.nextDueMs) count += rateClass.tags.length;
  return count;
}

/**
 * Publishes the device's due tags whose value or quality changed as DDATA, by alias only (no name,
 * no datatype), each metric with the tick's timestamp; a tag that turned bad goes as `is_null`.
 * Reused metric objects: nothing is allocated per metric.
 */
export function sendDeviceData(context: EdgeContext, device: DeviceEntry, simTimeMs: number, ts: number): void {
  const { plant, table, counts, sentByTag } = context;
  scratch.length = 0;
  for (const rateClass of device.classes) {
    if (simTimeMs < rateClass.nextDueMs) continue;
    markPublished(rateClass, simTimeMs);
    for (const index of rateClass.tags) {
      const value = plant.valueAt(index);
      const quality = qualityCodes[plant.qualityAt(index)];
      if (!changed(context, index, value, quality)) continue;
      if (quality === sentQuality.bad) {
        const metric = table.nullMetrics[index] as MetricMessage;
        metric.timestamp = ts;
        scratch.push(metric);
        counts.nullsSent++;
        record(context, index, undefined, quality);
        continue;
      }
      const carried = fieldValue(table.types[index] as (typeof table.types)[number], value);
      if (carried === undefined) {
        counts.valuesSkipped++;
        continue;
      }
      const metric = table.dataMetrics[index] as MetricMessage;
      metric.timestamp = ts;
      metric[table.fields[index] as (typeof table.fields)[number]] = carried as never;
      scratch.push(metric);
      counts.metricsSent++;
      sentByTag[index] = (sentByTag[index] as number) + 1;
      record(context, index, value, quality);
    }
  }
  sendChunked(context, device.dataTopic, scratch, ts);
}

/** While no session is up: the due changed values of the device go into the held buffer instead. */
export function holdDeviceData(context: EdgeContext, device: DeviceEntry, simTimeMs: number, ts: number): void {
  const { plant, table, held, counts } = context;
  for (const rateClass of device.classes) {
    if (simTimeMs < rateClass.nextDueMs) continue;
    markPublished(rateClass, simTimeMs);
    for (const index of rateClass.tags) {
      const value = plant.valueAt(index);
      const quality = qualityCodes[plant.qualityAt(index)];
      if (!changed(context, index, value, quality)) continue;
      if (quality === sentQuality.bad) {
        held.hold(index, ts, undefined);
        record(context, index, undefined, quality);
        continue;
      }
      if (fieldValue(table.types[index] as (typeof table.types)[number], value) === undefined) {
        counts.valuesSkipped++;
        continue;
      }
      held.hold(index, ts, value);
      record(context, index, value, quality);
    }
  }
}

/**
 * After a birth: the held values as DDATA of historical metrics (`is_historical`, their original
 * timestamps), per device, oldest first. Values of a device that is not alive now cannot be sent
 * (no DBIRTH declares their aliases) and are counted as dropped.
 */
export function replayHeldData(context: EdgeContext, ts: number): number {
  const { table, held, counts, sentByTag } = context;
  if (held.size === 0) return 0;
  const byDevice = new Map<number, MetricMessage[]>();
  let dropped = 0;
  let replayed = 0;
  for (const { tag, ts: heldTs, value } of held.drain()) {
    const position = table.deviceOfTag[tag] as number;
    if (!(table.devices[position]?.alive ?? false)) {
      dropped++;
      continue;
    }
    const alias = (table.dataMetrics[tag] as MetricMessage).alias as number;
    let metric: MetricMessage;
    if (value === undefined) {
      metric = { alias, timestamp: heldTs, isHistorical: true, isNull: true };
      counts.nullsSent++;
    } else {
      metric = {
        alias,
        timestamp: heldTs,
        isHistorical: true,
        [table.fields[tag] as string]: fieldValue(table.types[tag] as (typeof table.types)[number], value),
      };
      counts.metricsSent++;
      counts.historicalSent++;
      sentByTag[tag] = (sentByTag[tag] as number) + 1;
    }
    let list = byDevice.get(position);
    if (list === undefined) byDevice.set(position, (list = []));
    list.push(metric);
    replayed++;
  }
  held.countDropped(dropped);
  for (const [position, metrics] of byDevice) sendChunked(context, (table.devices[position] as DeviceEntry).dataTopic, metrics, ts);
  return replayed;
}

function sendChunked(context: EdgeContext, topic: string, metrics: MetricMessage[], ts: number): void {
  const size = context.metricsPerMessage;
  for (let from = 0; from < metrics.length; from += size) {
    const chunk = metrics.length <= size ? metrics : metrics.slice(from, from + size);
    context.publish(topic, { timestamp: ts, seq: context.nextSeq(), metrics: chunk });
  }
}
