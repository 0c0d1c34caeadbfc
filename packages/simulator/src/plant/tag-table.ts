import type { DataType, PointValue, Quality } from '@shopfloor/model';
import type { TagDefinition } from '../machines/machine-behaviour.ts';
import type { SimTag } from '../plant-api.ts';
import type { PlantMachine } from './plant-machine.ts';

const kindCodes: Readonly<Record<DataType, number>> = { float: 0, int: 1, bool: 2, string: 3 };
const qualityNames: readonly Quality[] = ['good', 'uncertain', 'bad'];
export const qualityCodes = { good: 0, uncertain: 1, bad: 2 } as const;
export const sensorFaultCodes = { none: 0, stuck: 1, drift: 2 } as const;

/**
 * The current value of every tag, in typed arrays indexed like `plant.tags`: numbers and booleans
 * in `numbers`, text in `texts`. Sampling reads each due tag's definition, adds sensor noise,
 * converts the unit, applies sensor faults and clamps to the range.
 */
export interface TagTable {
  readonly tags: SimTag[];
  readonly definitions: TagDefinition[];
  readonly kinds: Uint8Array;
  readonly numbers: Float64Array;
  readonly texts: string[];
  readonly qualities: Uint8Array;
  readonly stamps: Float64Array;
  readonly periodMs: Float64Array;
  readonly nextDueMs: Float64Array;
  readonly noise: Float64Array;
  readonly factor: Float64Array;
  readonly offset: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** `sensorFaultCodes`: a stuck tag keeps its value; a drifting one adds `drift`. */
  readonly sensorFault: Uint8Array;
  readonly drift: Float64Array;
}

export function createTagTable(count: number): TagTable {
  return {
    tags: [],
    definitions: [],
    kinds: new Uint8Array(count),
    numbers: new Float64Array(count),
    texts: new Array<string>(count).fill(''),
    qualities: new Uint8Array(count),
    stamps: new Float64Array(count),
    periodMs: new Float64Array(count),
    nextDueMs: new Float64Array(count),
    noise: new Float64Array(count),
    factor: new Float64Array(count).fill(1),
    offset: new Float64Array(count),
    low: new Float64Array(count).fill(-Infinity),
    high: new Float64Array(count).fill(Infinity),
    sensorFault: new Uint8Array(count),
    drift: new Float64Array(count),
  };
}

export interface TagPlacement {
  readonly definition: TagDefinition;
  readonly tag: SimTag;
  readonly factor: number;
  readonly offset: number;
}

export function addTag(table: TagTable, placement: TagPlacement): void {
  const { definition, tag } = placement;
  const index = tag.index;
  table.tags.push(tag);
  table.definitions.push(definition);
  table.kinds[index] = kindCodes[tag.dataType];
  table.periodMs[index] = 1_000 / tag.rateHz;
  table.noise[index] = definition.noise ?? 0;
  table.factor[index] = placement.factor;
  table.offset[index] = placement.offset;
  if (tag.min !== undefined) table.low[index] = tag.min;
  if (tag.max !== undefined) table.high[index] = tag.max;
}

/** Samples the machine's tags that are due at `at` (all of them when `force`). */
export function sampleMachine(table: TagTable, machine: PlantMachine, at: number, force: boolean): void {
  if (!force && at < machine.nextSampleMs) return;
  const end = machine.firstTag + machine.tagCount;
  const dropped = machine.droppedLinks > 0;
  let next = Infinity;
  for (let index = machine.firstTag; index < end; index++) {
    const period = table.periodMs[index] as number;
    if (force || at >= (table.nextDueMs[index] as number)) {
      const due = (Math.floor(at / period) + 1) * period;
      table.nextDueMs[index] = due;
      if (!dropped) sampleTag(table, machine, index, at);
    }
    const due = table.nextDueMs[index] as number;
    if (due < next) next = due;
  }
  machine.nextSampleMs = next;
}

function sampleTag(table: TagTable, machine: PlantMachine, index: number, at: number): void {
  table.stamps[index] = at;
  const fault = table.sensorFault[index] as number;
  if (fault === sensorFaultCodes.stuck) return;
  const raw = (table.definitions[index] as TagDefinition).read();
  switch (table.kinds[index] as number) {
    case 0: {
      let value = raw as number;
      const noise = table.noise[index] as number;
      if (noise > 0) value += noise * machine.noise.gaussian();
      value = value * (table.factor[index] as number) + (table.offset[index] as number);
      if (fault === sensorFaultCodes.drift) value += table.drift[index] as number;
      table.numbers[index] = clamp(value, table.low[index] as number, table.high[index] as number);
      return;
    }
    case 1: {
      let value = (raw as number) * (table.factor[index] as number) + (table.offset[index] as number);
      if (fault === sensorFaultCodes.drift) value += table.drift[index] as number;
      table.numbers[index] = Math.round(clamp(value, table.low[index] as number, table.high[index] as number));
      return;
    }
    case 2:
      table.numbers[index] = raw === true ? 1 : 0;
      return;
    default:
      table.texts[index] = String(raw);
  }
}

export function valueOf(table: TagTable, index: number): PointValue {
  switch (table.kinds[index] as number) {
    case 2:
      return table.numbers[index] === 1;
    case 3:
      return table.texts[index] as string;
    default:
      return table.numbers[index] as number;
  }
}

export function qualityOf(table: TagTable, index: number): Quality {
  return qualityNames[table.qualities[index] as number] as Quality;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
