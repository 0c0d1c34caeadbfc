import { readFileSync } from 'node:fs';
import { InputError, NotFoundError, type DataType, type PointValue, type Quality } from '@shopfloor/model';
import { machineStates, machineTypes, type MachineInfo, type MachineState, type MachineType, type Plant, type PlantEvent, type SimTag } from '../plant-api.ts';
import { parseRecordingCsv, type RecordedPoint } from './recording-csv.ts';

export type ReplaySource = { readonly file: string } | { readonly text: string; readonly sourceName?: string };

export interface ReplayOptions {
  /** Where replay starts, epoch ms; default: the first timestamp of the recording. */
  readonly startTime?: number;
}

interface ReplayTag {
  readonly tag: SimTag;
  readonly times: Float64Array;
  readonly values: PointValue[];
  readonly qualities: Quality[];
  /** Index of the record in force; −1 before the first. */
  cursor: number;
}

const notAvailable = 'a replayed plant plays back a recording';

/**
 * A plant that plays back recorded data (CSV of tag, timestamp, value) through the same interface
 * as a simulated one, so every protocol server can serve it: as time advances, each tag steps to
 * its latest record. Before its first record a tag has quality bad. Tags under
 * `<enterprise>/<site>/<area>/<line>/<cell>/<machine>/` form machines; the type is guessed from
 * a word of the machine id (`coolant-pump-3` → pump, else motor). Nothing is writable and no faults can be injected.
 */
export function createReplayPlant(source: ReplaySource, options: ReplayOptions = {}): Plant {
  const sourceName = 'file' in source ? source.file : (source.sourceName ?? 'recording');
  let text: string;
  if ('file' in source) {
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new InputError('SF_BAD_REQUEST', `recording "${source.file}" cannot be read: ${(error as Error).message}`);
    }
  } else text = source.text;
  const points = parseRecordingCsv(text, sourceName);
  const tags = buildTags(points, sourceName);
  const byPath = new Map(tags.map((entry) => [entry.tag.path, entry]));
  // Every record in time order, as (tag index, record index) pairs, so advance is one merge pass.
  const order = tags
    .flatMap((entry, tagIndex) => Array.from(entry.times, (ts, record) => ({ ts, tagIndex, record })))
    .sort((a, b) => a.ts - b.ts || a.tagIndex - b.tagIndex);
  let next = 0;
  let now = options.startTime ?? (order[0] as (typeof order)[number]).ts;
  const listeners = new Set<(event: PlantEvent) => void>();
  const machines = buildMachines(tags);
  const advance = (toMs: number): void => {
    if (!Number.isFinite(toMs)) throw new InputError('SF_BAD_REQUEST', `advance: time ${toMs} is not a finite number of epoch milliseconds`);
    while (next < order.length && (order[next] as (typeof order)[number]).ts <= toMs) {
      const { tagIndex, record } = order[next++] as (typeof order)[number];
      (tags[tagIndex] as ReplayTag).cursor = record;
    }
    if (toMs > now) now = toMs;
  };
  advance(now);
  const entryAt = (index: number): ReplayTag => {
    const entry = tags[index];
    if (entry === undefined) throw new InputError('SF_BAD_REQUEST', `tag index ${index} is not from 0 to ${tags.length - 1}`);
    return entry;
  };
  const refuse = (what: string): never => {
    throw new InputError('SF_BAD_REQUEST', `${what}: ${notAvailable}`);
  };
  return {
    get now() {
      return now;
    },
    seed: 0,
    enterprise: (tags[0] as ReplayTag).tag.path.split('/')[0] as string,
    tags: tags.map((entry) => entry.tag),
    machines: () =>
      machines.map((machine) => {
        const state = byPath.get(`${machine.path}/state`);
        const value = state !== undefined && state.cursor >= 0 ? state.values[state.cursor] : undefined;
        return { ...machine, state: (machineStates as readonly unknown[]).includes(value) ? (value as MachineState) : 'running' };
      }),
    advance,
    valueAt: (index) => currentValue(entryAt(index)),
    qualityAt: (index) => {
      const entry = entryAt(index);
      return entry.cursor < 0 ? 'bad' : (entry.qualities[entry.cursor] as Quality);
    },
    timestampAt: (index) => {
      const entry = entryAt(index);
      return entry.cursor < 0 ? now : (entry.times[entry.cursor] as number);
    },
    value: (path) => {
      const entry = byPath.get(path);
      return entry === undefined ? undefined : currentValue(entry);
    },
    write: (path) => {
      if (!byPath.has(path)) throw new NotFoundError('SF_TAG_NOT_FOUND', `tag "${path}" does not exist in the recording`);
      return refuse(`tag "${path}" is not writable`);
    },
    setMachineState: (machine) => refuse(`machine "${machine}" cannot change state`),
    injectFault: (machine) => refuse(`machine "${machine}" cannot take a fault`),
    clearFault: (id) => refuse(`fault "${id}" does not exist`),
    labels: () => [],
    waveform: (machine) => refuse(`machine "${machine}" has no vibration waveform`),
    counters: () => [],
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

function currentValue(entry: ReplayTag): PointValue {
  if (entry.cursor >= 0) return entry.values[entry.cursor] as PointValue;
  return entry.tag.dataType === 'string' ? '' : entry.tag.dataType === 'bool' ? false : 0;
}

function buildTags(points: readonly RecordedPoint[], sourceName: string): ReplayTag[] {
  const byTag = new Map<string, RecordedPoint[]>();
  for (const point of points) {
    const list = byTag.get(point.tag) ?? [];
    list.push(point);
    byTag.set(point.tag, list);
  }
  return [...byTag.entries()].map(([path, records], index) => {
    records.sort((a, b) => a.ts - b.ts);
    const dataType = inferType(records);
    const intervals = records
      .slice(1)
      .map((record, offset) => record.ts - (records[offset] as RecordedPoint).ts)
      .filter((gap) => gap > 0)
      .sort((a, b) => a - b);
    const median = intervals[Math.floor(intervals.length / 2)];
    const segments = path.split('/');
    const tag: SimTag = {
      index,
      path,
      machine: segments.slice(0, -1).join('/'),
      name: segments[segments.length - 1] as string,
      dataType,
      writable: false,
      rateHz: median === undefined ? 1 : 1_000 / median,
      description: `Replayed from ${sourceName}.`,
    };
    const values = records.map((record) => (dataType === 'string' ? String(record.value) : record.value));
    return { tag, times: Float64Array.from(records, (record) => record.ts), values, qualities: records.map((record) => record.quality), cursor: -1 };
  });
}

function inferType(records: readonly RecordedPoint[]): DataType {
  if (records.every((record) => typeof record.value === 'boolean')) return 'bool';
  if (records.every((record) => typeof record.value === 'number')) return records.every((record) => Number.isInteger(record.value)) ? 'int' : 'float';
  return 'string';
}

/** Machines are the parents of tags whose path has the full seven ISA-95 segments. */
function buildMachines(tags: readonly ReplayTag[]): Omit<MachineInfo, 'state'>[] {
  const machines = new Map<string, number[]>();
  for (const entry of tags) {
    if (entry.tag.path.split('/').length !== 7) continue;
    const list = machines.get(entry.tag.machine) ?? [];
    list.push(entry.tag.index);
    machines.set(entry.tag.machine, list);
  }
  return [...machines.entries()].map(([path, indices]) => {
    const [, site, area, line, cell, id] = path.split('/') as [string, string, string, string, string, string];
    const words = id.toLowerCase().split(/[^a-z]+/);
    const type: MachineType = machineTypes.find((candidate) => words.includes(candidate)) ?? 'motor';
    return { path, id, type, site, area, line, cell, tags: indices };
  });
}
