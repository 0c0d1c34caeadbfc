import type { PointValue, Quality } from '@shopfloor/model';
import type { Plant } from '@shopfloor/simulator';
import type { JsonLayout } from './json-layout.ts';

/** A value as JSON text; undefined for a number JSON cannot carry (NaN, ±Infinity). */
export function jsonValue(value: PointValue): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

export interface JsonMessage {
  readonly payload: string;
  /** The tags the message carries (those whose value could be written). */
  readonly tags: number[];
  /** Tags left out because their value was not a finite number, boolean or string. */
  readonly skipped: number;
}

/**
 * The batch of `tags` at `ts` in the runtime's formats (docs/payloads.md): `{"ts", "values"}` when
 * every quality is good, else `{"points": [...]}` with a `quality` on each entry that is not good.
 */
export function jsonMessage(plant: Plant, layout: JsonLayout, tags: readonly number[], from: number, to: number, ts: number): JsonMessage {
  let good = true;
  for (let position = from; position < to; position++) {
    if (plant.qualityAt(tags[position] as number) !== 'good') {
      good = false;
      break;
    }
  }
  return good ? valuesForm(plant, layout, tags, from, to, ts) : pointsForm(plant, layout, tags, from, to, ts);
}

function valuesForm(plant: Plant, layout: JsonLayout, tags: readonly number[], from: number, to: number, ts: number): JsonMessage {
  const carried: number[] = [];
  let skipped = 0;
  let body = `{"ts":${ts},"values":{`;
  for (let position = from; position < to; position++) {
    const index = tags[position] as number;
    const text = jsonValue(plant.valueAt(index));
    if (text === undefined) {
      skipped++;
      continue;
    }
    body += `${carried.length === 0 ? '' : ','}${layout.valueKeys[index] as string}${text}`;
    carried.push(index);
  }
  return { payload: `${body}}}`, tags: carried, skipped };
}

function pointsForm(plant: Plant, layout: JsonLayout, tags: readonly number[], from: number, to: number, ts: number): JsonMessage {
  const carried: number[] = [];
  let skipped = 0;
  let body = '{"points":[';
  for (let position = from; position < to; position++) {
    const index = tags[position] as number;
    const text = jsonValue(plant.valueAt(index));
    if (text === undefined) {
      skipped++;
      continue;
    }
    const quality: Quality = plant.qualityAt(index);
    body += `${carried.length === 0 ? '' : ','}${layout.pointStarts[index] as string}${ts},"value":${text}${quality === 'good' ? '' : `,"quality":"${quality}"`}}`;
    carried.push(index);
  }
  return { payload: `${body}]}`, tags: carried, skipped };
}
