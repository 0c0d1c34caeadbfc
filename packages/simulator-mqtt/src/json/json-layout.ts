import { BugError } from '@shopfloor/model';
import type { Plant } from '@shopfloor/simulator';
import { rateClasses, type RateClass } from '../rate-schedule.ts';

export const jsonBatchings = ['per-machine', 'per-line'] as const;
export type JsonBatching = (typeof jsonBatchings)[number];

/** One topic's tags: a machine (per-machine) or a line (per-line). */
export interface JsonGroup {
  readonly topic: string;
  readonly classes: readonly RateClass[];
}

/** Everything about the JSON messages that does not change from tick to tick, built once. */
export interface JsonLayout {
  readonly groups: readonly JsonGroup[];
  /** By tag index: `"<tag relative to its group's topic>":`, the key of the `values` form. */
  readonly valueKeys: readonly string[];
  /** By tag index: `{"tag":"<relative tag>","ts":`, the start of a `points` entry. */
  readonly pointStarts: readonly string[];
}

/**
 * Groups the plant's tags by machine or by line. The topic is the group's path (after
 * `topicPrefix/` when given); each tag is named relative to it, so topic + `/` + key is the tag's
 * path. A line's path is its machines' path without the last two segments (cell and machine).
 */
export function jsonLayout(plant: Plant, batching: JsonBatching, topicPrefix: string | undefined): JsonLayout {
  const members = new Map<string, number[]>();
  for (const machine of plant.machines()) {
    const path = batching === 'per-machine' ? machine.path : machine.path.split('/').slice(0, -2).join('/');
    let list = members.get(path);
    if (list === undefined) members.set(path, (list = []));
    list.push(...machine.tags);
  }
  const valueKeys: string[] = new Array<string>(plant.tags.length).fill('');
  const pointStarts: string[] = new Array<string>(plant.tags.length).fill('');
  const groups: JsonGroup[] = [];
  for (const [path, indexes] of members) {
    for (const index of indexes) {
      const tag = plant.tags[index];
      if (tag === undefined || !tag.path.startsWith(`${path}/`))
        throw new BugError(`tag ${index} of machine group "${path}" is not below it (${tag?.path ?? 'no such tag'})`);
      const relative = JSON.stringify(tag.path.slice(path.length + 1));
      valueKeys[index] = `${relative}:`;
      pointStarts[index] = `{"tag":${relative},"ts":`;
    }
    groups.push({ topic: topicPrefix === undefined ? path : `${topicPrefix}/${path}`, classes: rateClasses(plant.tags, indexes) });
  }
  return { groups, valueKeys, pointStarts };
}
