import type { PointValue } from '@shopfloor/model';
import type { MachineInfo, Plant } from '@shopfloor/simulator';
import { rateClasses, type RateClass } from '../rate-schedule.ts';
import { metricDataType, metricDataTypeCodes, valueField, type FloatDataType, type MetricDataType, type ValueField } from './metric-types.ts';
import type { MetricMessage } from './payload-codec.ts';
import { deviceTopic } from './topics.ts';

/** Aliases below this are the edge node's own metrics; a device metric's alias is this plus its tag index. */
export const firstDeviceAlias = 16;

/** One Sparkplug device: a machine. */
export interface DeviceEntry {
  readonly id: string;
  readonly machinePath: string;
  /** Indexes into `plant.tags`. */
  readonly tags: readonly number[];
  readonly classes: readonly RateClass[];
  readonly birthTopic: string;
  readonly dataTopic: string;
  readonly deathTopic: string;
  /** Between its DBIRTH and its DDEATH (or the end of the session). */
  alive: boolean;
}

/** What was last sent (or held) for a tag, to publish changes only. */
export const sentQuality = { nothing: 0, good: 1, uncertain: 2, bad: 3 } as const;

/** Everything per device and per metric that does not change between ticks, built once; arrays by tag index. */
export interface MetricTable {
  readonly devices: readonly DeviceEntry[];
  readonly deviceById: ReadonlyMap<string, DeviceEntry>;
  /** Index into `devices`, by tag index; -1 for a tag of no machine. */
  readonly deviceOfTag: Int32Array;
  readonly names: readonly string[];
  readonly types: readonly MetricDataType[];
  readonly fields: readonly ValueField[];
  /** A DDATA metric per tag, reused every tick: `{ alias, timestamp, <value field> }`, no name, no datatype. */
  readonly dataMetrics: readonly MetricMessage[];
  /** A DDATA metric per tag for a bad value: `{ alias, timestamp, isNull: true }`. */
  readonly nullMetrics: readonly MetricMessage[];
  readonly lastValues: (PointValue | undefined)[];
  readonly lastQualities: Uint8Array;
}

/**
 * Device IDs: the machine's id when every machine's id is unique in the plant, else the machine's
 * path below the enterprise with `/` turned into `.` (Sparkplug IDs cannot hold `/`).
 */
export function deviceIds(machines: readonly MachineInfo[]): string[] {
  const unique = new Set(machines.map((machine) => machine.id)).size === machines.length;
  return machines.map((machine) => (unique ? machine.id : machine.path.split('/').slice(1).join('.')));
}

export function buildMetricTable(plant: Plant, groupId: string, edgeNodeId: string, floatAs: FloatDataType): MetricTable {
  const machines = plant.machines();
  const ids = deviceIds(machines);
  const count = plant.tags.length;
  const deviceOfTag = new Int32Array(count).fill(-1);
  const devices: DeviceEntry[] = machines.map((machine, position) => {
    const id = ids[position] as string;
    for (const index of machine.tags) deviceOfTag[index] = position;
    return {
      id,
      machinePath: machine.path,
      tags: machine.tags,
      classes: rateClasses(plant.tags, machine.tags),
      birthTopic: deviceTopic(groupId, 'DBIRTH', edgeNodeId, id),
      dataTopic: deviceTopic(groupId, 'DDATA', edgeNodeId, id),
      deathTopic: deviceTopic(groupId, 'DDEATH', edgeNodeId, id),
      alive: false,
    };
  });
  const names: string[] = [];
  const types: MetricDataType[] = [];
  const fields: ValueField[] = [];
  const dataMetrics: MetricMessage[] = [];
  const nullMetrics: MetricMessage[] = [];
  for (const tag of plant.tags) {
    const type = metricDataType(tag, floatAs);
    const field = valueField(type);
    const alias = firstDeviceAlias + tag.index;
    names.push(tag.name);
    types.push(type);
    fields.push(field);
    // Own properties in a fixed order: protobufjs encodes only own properties, and a stable shape keeps V8 fast.
    dataMetrics.push({ alias, timestamp: 0, [field]: defaultFieldValue(type) });
    nullMetrics.push({ alias, timestamp: 0, isNull: true });
  }
  return {
    devices,
    deviceById: new Map(devices.map((device) => [device.id, device])),
    deviceOfTag,
    names,
    types,
    fields,
    dataMetrics,
    nullMetrics,
    lastValues: new Array<PointValue | undefined>(count).fill(undefined),
    lastQualities: new Uint8Array(count),
  };
}

export function datatypeCode(type: MetricDataType): number {
  return metricDataTypeCodes[type];
}

function defaultFieldValue(type: MetricDataType): number | boolean | string {
  if (type === 'Boolean') return false;
  return type === 'String' ? '' : 0;
}
