import type { PlantMachine } from '../plant/plant-machine.ts';
import { advanceStop, changeState, consumeOperatingTime, heldState, type EmitEvent } from './machine-state.ts';

/** Parts waiting between two cells. */
export interface PartBuffer {
  count: number;
  readonly capacity: number;
}

/** A part-making machine and the part it is working on or holding. */
export interface Station {
  readonly machine: PlantMachine;
  processing: boolean;
  /** A finished part that the full output buffer cannot take yet. */
  holding: boolean;
  remainingS: number;
  totalS: number;
}

/** A cell: its stations work in parallel between the same two buffers. */
export interface Stage {
  readonly cell: string;
  readonly stations: readonly Station[];
  /** Absent for the first cell (raw material never runs out). */
  readonly input: PartBuffer | undefined;
  /** Absent for the last cell (finished goods always leave). */
  readonly output: PartBuffer | undefined;
}

export interface LineFlow {
  readonly stages: readonly Stage[];
  readonly buffers: readonly PartBuffer[];
}

/**
 * Moves a line on by one step, last cell first, so space made downstream is seen upstream. A
 * station without a part and an empty input buffer is starved; one holding a finished part that
 * the full output buffer cannot take is blocked.
 */
export function stepLine(line: LineFlow, dtS: number, inProduction: boolean, at: number, emit: EmitEvent): void {
  for (let stageIndex = line.stages.length - 1; stageIndex >= 0; stageIndex--) {
    const stage = line.stages[stageIndex] as Stage;
    for (const station of stage.stations) stepStation(station, stage, dtS, inProduction, at, emit);
  }
}

function stepStation(station: Station, stage: Stage, dtS: number, inProduction: boolean, at: number, emit: EmitEvent): void {
  const machine = station.machine;
  advanceStop(machine, dtS);
  const held = heldState(machine, inProduction);
  if (held !== undefined) {
    changeState(machine, held.state, held.reason, at, emit);
    return;
  }
  if (station.holding && !release(station, stage)) {
    changeState(machine, 'blocked', undefined, at, emit);
    return;
  }
  if (!station.processing && !start(station, stage, 0)) {
    changeState(machine, 'starved', undefined, at, emit);
    return;
  }
  changeState(machine, 'running', undefined, at, emit);
  consumeOperatingTime(machine, dtS);
  station.remainingS -= dtS;
  // Finish as many parts as the step holds (short cycles), carrying the time over.
  while (station.remainingS <= 0) {
    finish(station, stage);
    if (machine.stop !== undefined || station.holding || !start(station, stage, station.remainingS)) break;
  }
  const core = machine.core;
  core.cycleProgress = station.processing ? Math.min(1, 1 - station.remainingS / station.totalS) : core.cycleProgress;
}

function start(station: Station, stage: Stage, carriedS: number): boolean {
  if (stage.input !== undefined) {
    if (stage.input.count <= 0) return false;
    stage.input.count--;
  }
  const machine = station.machine;
  const ideal = machine.behaviour.cycleSeconds();
  station.totalS = Math.max(0.97 * ideal, ideal * (1.03 + 0.02 * machine.core.random.gaussian()));
  station.remainingS = station.totalS + carriedS;
  station.processing = true;
  machine.core.cycleProgress = 0;
  return true;
}

function finish(station: Station, stage: Stage): void {
  const machine = station.machine;
  const core = machine.core;
  station.processing = false;
  core.cycles++;
  core.lastCycleSeconds = station.totalS;
  core.cycleProgress = 1;
  const scrapProbability = machine.behaviour.scrapProbability?.() ?? machine.model.scrapRate;
  if (core.random.uniform() < scrapProbability) core.scrapParts++;
  else {
    core.goodParts++;
    station.holding = true;
    release(station, stage);
  }
  const changeover = machine.model.changeover;
  if (changeover !== undefined && ++machine.partsSinceChangeover >= changeover.everyParts) {
    machine.partsSinceChangeover = 0;
    machine.stop = { state: 'changeover', remainingS: changeover.minutes * 60 * core.random.between(0.8, 1.3), reason: 'tooling change' };
  }
}

/** Hands the held part to the output buffer when there is room. */
function release(station: Station, stage: Stage): boolean {
  if (stage.output !== undefined) {
    if (stage.output.count >= stage.output.capacity) return false;
    stage.output.count++;
  }
  station.holding = false;
  return true;
}
