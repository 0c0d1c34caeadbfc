import type { Logger } from '@shopfloor/engine';
import { InputError, NotFoundError, type PointValue, type Quality } from '@shopfloor/model';
import { checkedDescription } from '../description/parse-plant-description.ts';
import { plantDefaults, type PlantDescription } from '../description/plant-description.ts';
import { findMachine } from '../description/machine-reference.ts';
import { createFaultBook, stepFaults } from '../faults/fault-book.ts';
import { settle } from '../physics/lag.ts';
import {
  machineStates,
  type FaultKind,
  type FaultLabel,
  type FaultOptions,
  type MachineInfo,
  type MachineState,
  type Plant,
  type PlantEvent,
  type ProductionCounters,
  type WaveformBlock,
} from '../plant-api.ts';
import { stepLine } from '../production/line-flow.ts';
import { changeState, stepUtility } from '../production/machine-state.ts';
import { ambientTemperature } from '../physics/ambient.ts';
import { buildPlant } from './build-plant.ts';
import { endFault, startFault, stepSensorFaults } from './fault-commands.ts';
import type { PlantMachine } from './plant-machine.ts';
import { scheduledFaults } from './scheduled-faults.ts';
import { writeSetpoint } from './setpoint-write.ts';
import { qualityOf, sampleMachine, valueOf } from './tag-table.ts';
import { machineWaveform } from './machine-waveform.ts';

export interface PlantOptions {
  /** Overrides the description's seed. */
  readonly seed?: number;
  /** Simulated start, epoch ms; overrides the description's startTime. */
  readonly startTime?: number;
  /** Fixed internal step of the physics, simulated ms (default 100). */
  readonly stepMs?: number;
  /** Where a scheduled fault that cannot start is reported (it is skipped, never thrown); without one it is only counted. */
  readonly logger?: Logger;
}

export const plantOptionDefaults = { stepMs: 100 } as const;

const stateIndex = Object.fromEntries(machineStates.map((state, index) => [state, index])) as Record<MachineState, number>;

/**
 * Builds a simulated plant from a description. Everything moves only in `advance`, in fixed steps,
 * from seeded per-machine random streams: the same seed and the same calls give the same values.
 */
export function createPlant(description: PlantDescription, options: PlantOptions = {}): Plant {
  const checked = checkedDescription(description, 'plant description');
  const seed = options.seed ?? checked.seed ?? plantDefaults.seed;
  const stepMs = options.stepMs ?? plantOptionDefaults.stepMs;
  if (!Number.isInteger(stepMs) || stepMs < 1 || stepMs > 60_000)
    throw new InputError('SF_BAD_REQUEST', `plant option stepMs: expected an integer from 1 to 60000, found ${stepMs}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 4_294_967_295)
    throw new InputError('SF_BAD_REQUEST', `plant option seed: expected an integer from 0 to 4294967295, found ${seed}`);
  const startMs = options.startTime ?? Date.parse(checked.startTime ?? plantDefaults.startTime);
  if (!Number.isFinite(startMs)) throw new InputError('SF_BAD_REQUEST', `plant option startTime: expected epoch milliseconds, found ${startMs}`);
  const model = buildPlant(checked, seed, startMs);
  const table = model.table;
  const book = createFaultBook();
  const listeners = new Set<(event: PlantEvent) => void>();
  const pending: PlantEvent[] = [];
  const queue = (event: PlantEvent): void => void pending.push(event);
  const dtS = stepMs / 1_000;
  let simMs = startMs;
  let now = startMs;

  const flush = (): void => {
    if (pending.length === 0) return;
    const events = pending.splice(0);
    if (listeners.size === 0) return;
    const current = [...listeners];
    for (const event of events) for (const listener of current) listener(event);
  };
  const machineOf = (reference: string): PlantMachine => {
    const exact = model.machineByPath.get(reference);
    if (exact !== undefined) return exact;
    const found = findMachine(reference, [...model.machineByPath.keys()]);
    if ('problem' in found) throw found.notFound ? new NotFoundError('SF_NOT_FOUND', found.problem) : new InputError('SF_BAD_REQUEST', found.problem);
    return model.machineByPath.get(found.path) as PlantMachine;
  };
  const inject = (machine: PlantMachine, kind: FaultKind, options: FaultOptions, source: FaultLabel['source'], at: number): FaultLabel => {
    const fault = startFault(model, book, machine, kind, options, source, at);
    queue({ type: 'fault-injected', label: fault.label });
    return fault.label;
  };
  const schedule = scheduledFaults(checked, startMs, model);
  let skippedFaults = 0;

  const step = (at: number, stepS: number): void => {
    while (schedule.length > 0 && (schedule[0] as (typeof schedule)[number]).at <= at) {
      const entry = schedule.shift() as (typeof schedule)[number];
      // The plant file's checks are the same as startFault's, so this should not fail; if it does,
      // the fault is skipped and reported, never thrown out of a step (the clock's timer would die).
      try {
        inject(entry.machine, entry.kind, entry.options, entry.source, entry.at);
      } catch (error) {
        skippedFaults++;
        options.logger?.error('scheduled fault skipped', { machine: entry.machine.core.path, kind: entry.kind, error: (error as Error).message });
      }
    }
    stepFaults(book, at, queue);
    stepSensorFaults(model, book, at);
    for (const site of model.sites) {
      site.environment.timeMs = at;
      site.environment.ambientC = ambientTemperature(at, site.utcOffsetHours, site.ambient.meanC, site.ambient.swingC);
      const inProduction = site.calendar(at);
      for (const line of site.lines) stepLine(line, stepS, inProduction, at, queue);
      for (const machine of site.utilities) stepUtility(machine, stepS, at, queue);
    }
    const stepMsNow = stepS * 1_000;
    for (const machine of model.machines) {
      machine.behaviour.step(stepS);
      const stateMs = machine.stateMs;
      const index = stateIndex[machine.core.state];
      stateMs[index] = (stateMs[index] as number) + stepMsNow;
    }
    for (const machine of model.machines) sampleMachine(table, machine, at, false);
  };

  // Start in steady state: production decides the states, then the physics settles.
  step(startMs, 0);
  for (let pass = 0; pass < 6; pass++) {
    for (const machine of model.machines) {
      machine.behaviour.settle?.();
      machine.behaviour.step(0);
      settle(machine.behaviour.lags);
    }
  }
  for (const machine of model.machines) sampleMachine(table, machine, startMs, true);
  pending.length = 0;

  const tagLists = model.machines.map((machine) => Object.freeze(Array.from({ length: machine.tagCount }, (_, offset) => machine.firstTag + offset)));
  const plant: Plant = {
    get now() {
      return now;
    },
    seed,
    get skippedFaults() {
      return skippedFaults;
    },
    enterprise: model.enterprise,
    tags: table.tags,
    machines: () => model.machines.map((machine, index) => machineInfo(machine, tagLists[index] as readonly number[])),
    advance(toMs) {
      if (!Number.isFinite(toMs)) throw new InputError('SF_BAD_REQUEST', `advance: time ${toMs} is not a finite number of epoch milliseconds`);
      while (simMs + stepMs <= toMs) {
        simMs += stepMs;
        step(simMs, dtS);
        flush();
      }
      if (toMs > now) now = toMs;
    },
    valueAt: (index) => {
      checkIndex(index, table.tags.length);
      return valueOf(table, index);
    },
    qualityAt: (index): Quality => {
      checkIndex(index, table.tags.length);
      return qualityOf(table, index);
    },
    timestampAt: (index) => {
      checkIndex(index, table.tags.length);
      return table.stamps[index] as number;
    },
    value: (path): PointValue | undefined => {
      const index = model.tagByPath.get(path);
      return index === undefined ? undefined : valueOf(table, index);
    },
    write(path, value) {
      const tag = writeSetpoint(model, path, value);
      queue({ type: 'setpoint-written', tag: tag.path, at: now, value });
      flush();
    },
    setMachineState(reference, state, reason) {
      const machine = machineOf(reference);
      if (!(machineStates as readonly string[]).includes(state))
        throw new InputError('SF_BAD_REQUEST', `machine "${machine.core.path}": state "${state}" is not one of ${machineStates.join(', ')}`);
      if (state === 'running') {
        machine.commanded = undefined;
        machine.stop = undefined;
      } else {
        machine.commanded = { state, reason: reason ?? 'command' };
        changeState(machine, state, machine.commanded.reason, now, queue);
      }
      flush();
    },
    injectFault(reference, kind, options = {}) {
      const label = inject(machineOf(reference), kind, options, 'command', now);
      flush();
      return label;
    },
    clearFault(id) {
      const fault = book.all.find((candidate) => candidate.label.id === id);
      if (fault === undefined)
        throw new NotFoundError(
          'SF_NOT_FOUND',
          `fault "${id}" does not exist${book.active.length > 0 ? `; active faults: ${book.active.map((active) => active.label.id).join(', ')}` : ''}`,
        );
      if (fault.label.clearedAt === undefined) {
        endFault(model, book, fault, now);
        queue({ type: 'fault-cleared', label: fault.label });
        flush();
      }
      return fault.label;
    },
    labels: () => book.all.map((fault) => fault.label),
    waveform: (reference, channel = 'x'): WaveformBlock => machineWaveform(machineOf(reference), channel, seed, now),
    counters: (): ProductionCounters[] =>
      model.machines.map((machine) => ({
        machine: machine.core.path,
        goodParts: machine.core.goodParts,
        scrapParts: machine.core.scrapParts,
        idealCycleSeconds: machine.core.idealCycleSeconds,
        stateMs: Object.fromEntries(machineStates.map((state, index) => [state, machine.stateMs[index] as number])) as Record<MachineState, number>,
      })),
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return plant;
}

function machineInfo(machine: PlantMachine, tags: readonly number[]): MachineInfo {
  const core = machine.core;
  return {
    path: core.path,
    id: core.id,
    type: core.type,
    site: core.site,
    area: core.area,
    line: core.line,
    cell: core.cell,
    state: core.state,
    tags,
  };
}

function checkIndex(index: number, count: number): void {
  if (!(index >= 0 && index < count && Number.isInteger(index))) throw new InputError('SF_BAD_REQUEST', `tag index ${index} is not from 0 to ${count - 1}`);
}
