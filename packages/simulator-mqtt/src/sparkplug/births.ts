import type { Plant } from '@shopfloor/simulator';
import { datatypeCode, sentQuality, type DeviceEntry, type MetricTable } from './metric-table.ts';
import { fieldValue, metricDataTypeCodes } from './metric-types.ts';
import type { MetricMessage, PayloadMessage } from './payload-codec.ts';

export const rebirthMetricName = 'Node Control/Rebirth';
export const bdSeqMetricName = 'bdSeq';

/** Aliases of the edge node's own metrics (all below `firstDeviceAlias`). */
export const nodeMetricAliases = { bdSeq: 0, rebirth: 1, hardwareMake: 2, software: 3, seed: 4, devices: 5 } as const;

/**
 * NBIRTH: seq 0, the session's bdSeq (the one in the Will), `Node Control/Rebirth` (Boolean false)
 * and descriptive `Properties/*` metrics, each with name, alias, datatype, value and timestamp.
 * A host stores none of these as tag values.
 */
export function nbirthPayload(ts: number, bdSeq: number, plant: Plant, deviceCount: number): PayloadMessage {
  const { UInt64, Boolean, String, Int64, UInt32 } = metricDataTypeCodes;
  return {
    timestamp: ts,
    seq: 0,
    metrics: [
      { name: bdSeqMetricName, alias: nodeMetricAliases.bdSeq, timestamp: ts, datatype: UInt64, longValue: bdSeq },
      { name: rebirthMetricName, alias: nodeMetricAliases.rebirth, timestamp: ts, datatype: Boolean, booleanValue: false },
      { name: 'Properties/Hardware Make', alias: nodeMetricAliases.hardwareMake, timestamp: ts, datatype: String, stringValue: 'Shopfloor' },
      { name: 'Properties/Software', alias: nodeMetricAliases.software, timestamp: ts, datatype: String, stringValue: 'Shopfloor factory simulator' },
      { name: 'Properties/Seed', alias: nodeMetricAliases.seed, timestamp: ts, datatype: Int64, longValue: plant.seed },
      { name: 'Properties/Devices', alias: nodeMetricAliases.devices, timestamp: ts, datatype: UInt32, intValue: deviceCount },
    ],
  };
}

/** NDEATH: only the bdSeq metric, no seq (spec 3.0 §6.4.5); the Will and an intentional disconnect send it. */
export function ndeathPayload(ts: number, bdSeq: number): PayloadMessage {
  return { timestamp: ts, metrics: [{ name: bdSeqMetricName, timestamp: ts, datatype: metricDataTypeCodes.UInt64, longValue: bdSeq }] };
}

export interface DeviceBirth {
  readonly payload: PayloadMessage;
  /** Metrics with a value (a host stores each as a point). */
  readonly values: number;
  /** Metrics sent as null: a bad tag, or a value that does not fit the datatype. */
  readonly nulls: number;
}

/**
 * DBIRTH: every metric of the device with name, alias, datatype, timestamp and current value; a bad
 * tag (or a value the datatype cannot hold) goes as `is_null`. Records what was sent, so that DDATA
 * carries changes from here on.
 */
export function dbirthPayload(plant: Plant, table: MetricTable, device: DeviceEntry, ts: number, seq: number): DeviceBirth {
  const metrics: MetricMessage[] = [];
  let nulls = 0;
  for (const index of device.tags) {
    const type = table.types[index] as (typeof table.types)[number];
    const field = table.fields[index] as (typeof table.fields)[number];
    const value = plant.valueAt(index);
    const quality = plant.qualityAt(index);
    const carried = quality === 'bad' ? undefined : fieldValue(type, value);
    const metric: MetricMessage = {
      name: table.names[index] as string,
      alias: (table.dataMetrics[index] as MetricMessage).alias as number,
      timestamp: ts,
      datatype: datatypeCode(type),
    };
    if (carried === undefined) {
      metric.isNull = true;
      nulls++;
      table.lastValues[index] = undefined;
      table.lastQualities[index] = sentQuality.bad;
    } else {
      metric[field] = carried as never;
      table.lastValues[index] = value;
      table.lastQualities[index] = quality === 'good' ? sentQuality.good : sentQuality.uncertain;
    }
    metrics.push(metric);
  }
  return { payload: { timestamp: ts, seq, metrics }, values: metrics.length - nulls, nulls };
}
