import type { MachineState, PlantEvent } from '../plant-api.ts';
import type { PlantMachine } from '../plant/plant-machine.ts';

export type EmitEvent = (event: PlantEvent) => void;

/**
 * The state that overrides normal production, in priority order: a failure, a command, a timed
 * stop (short stop, breakdown, changeover), and, for stations, the shift calendar.
 */
export function heldState(machine: PlantMachine, inProduction: boolean): { state: MachineState; reason: string } | undefined {
  if (machine.failedBy !== undefined) return { state: 'down', reason: `failure (${machine.failedBy})` };
  if (machine.commanded !== undefined) return machine.commanded;
  if (machine.stop !== undefined) return machine.stop;
  if (!inProduction) return { state: 'planned-stop', reason: 'outside shift or in a break' };
  return undefined;
}

/** Counts a timed stop down; it ends when its time is up. */
export function advanceStop(machine: PlantMachine, dtS: number): void {
  const stop = machine.stop;
  if (stop === undefined) return;
  stop.remainingS -= dtS;
  if (stop.remainingS <= 0) machine.stop = undefined;
}

/** Operating time brings the next short stop or breakdown closer; when it comes, the machine stops. */
export function consumeOperatingTime(machine: PlantMachine, dtS: number): void {
  const reliability = machine.model.reliability;
  const random = machine.core.random;
  machine.untilShortStopS -= dtS;
  machine.untilBreakdownS -= dtS;
  if (machine.untilBreakdownS <= 0) {
    const mttrS = reliability.mttrMinutes * 60;
    machine.stop = { state: 'down', remainingS: Math.min(5 * mttrS, Math.max(0.2 * mttrS, random.exponential(mttrS))), reason: 'breakdown' };
    machine.untilBreakdownS = random.exponential(reliability.breakdownMtbfHours * 3_600);
  } else if (machine.untilShortStopS <= 0) {
    const [shortest, longest] = reliability.shortStopSeconds;
    machine.stop = { state: 'down', remainingS: random.between(shortest, longest), reason: 'short stop' };
    machine.untilShortStopS = random.exponential(reliability.shortStopMtbfMinutes * 60);
  }
}

export function changeState(machine: PlantMachine, state: MachineState, reason: string | undefined, at: number, emit: EmitEvent): void {
  const from = machine.core.state;
  if (from === state && machine.stateReason === reason) return;
  machine.core.state = state;
  machine.stateReason = reason;
  if (from !== state) emit({ type: 'state-changed', machine: machine.core.path, at, from, to: state, ...(reason !== undefined ? { reason } : {}) });
}

/** Pumps, compressors, motors: they run around the clock unless something holds them. */
export function stepUtility(machine: PlantMachine, dtS: number, at: number, emit: EmitEvent): void {
  advanceStop(machine, dtS);
  const held = heldState(machine, true);
  if (held !== undefined) {
    changeState(machine, held.state, held.reason, at, emit);
    return;
  }
  changeState(machine, 'running', undefined, at, emit);
  consumeOperatingTime(machine, dtS);
}
