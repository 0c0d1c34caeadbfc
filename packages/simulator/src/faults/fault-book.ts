import type { FaultLabel, PlantEvent } from '../plant-api.ts';
import type { PlantMachine } from '../plant/plant-machine.ts';
import { effectOf, physicalFaults, progressiveSeverity } from './fault-kinds.ts';

/** A fault as the plant tracks it; its label is the ground truth handed out. */
export interface ActiveFault {
  label: FaultLabel;
  readonly machine: PlantMachine;
  /** Sensor faults: the index of the affected tag. */
  readonly tagIndex: number | undefined;
  severity: number;
  failed: boolean;
}

/**
 * The faults injected into a plant, active and cleared, in order. Each step it sets every affected
 * machine's fault effects from the faults acting on it and reports failures.
 */
export interface FaultBook {
  readonly all: ActiveFault[];
  readonly active: ActiveFault[];
  /** Active faults by machine, so a machine's effects cost its own faults only. */
  readonly byMachine: Map<PlantMachine, ActiveFault[]>;
  nextId: number;
}

export function createFaultBook(): FaultBook {
  return { all: [], active: [], byMachine: new Map(), nextId: 1 };
}

export function addFault(book: FaultBook, fault: ActiveFault): void {
  book.all.push(fault);
  book.active.push(fault);
  book.byMachine.set(fault.machine, [...(book.byMachine.get(fault.machine) ?? []), fault]);
  applyEffects(book, fault.machine, fault.label.startedAt);
}

export function removeFault(book: FaultBook, fault: ActiveFault, at: number): void {
  fault.label = { ...fault.label, clearedAt: at };
  book.active.splice(book.active.indexOf(fault), 1);
  const remaining = (book.byMachine.get(fault.machine) ?? []).filter((candidate) => candidate !== fault);
  if (remaining.length > 0) book.byMachine.set(fault.machine, remaining);
  else book.byMachine.delete(fault.machine);
  applyEffects(book, fault.machine, at);
}

/** Grows progressive faults and fails machines whose failure time has come. */
export function stepFaults(book: FaultBook, at: number, emit: (event: PlantEvent) => void): void {
  if (book.active.length === 0) return;
  for (const [machine, faults] of book.byMachine) {
    let progressive = false;
    for (const fault of faults) {
      if (fault.label.failureAt === undefined) continue;
      progressive = true;
      if (!fault.failed && at >= fault.label.failureAt) {
        fault.failed = true;
        if (machine.failedBy === undefined) machine.failedBy = fault.label.id;
        emit({ type: 'failure', label: fault.label, at });
      }
    }
    if (progressive) applyEffects(book, machine, at);
  }
}

/** Sets a machine's fault effects: for each kind, the worst active fault of that kind. */
export function applyEffects(book: FaultBook, machine: PlantMachine, at: number): void {
  const effects = machine.core.faults;
  effects.wear = effects.imbalance = effects.misalignment = effects.cavitation = effects.overheating = 0;
  const wearAt = effects.wearAt;
  wearAt.outer = wearAt.inner = wearAt.ball = wearAt.cage = 0;
  for (const fault of book.byMachine.get(machine) ?? []) {
    const label = fault.label;
    fault.severity = label.failureAt === undefined ? label.severity : progressiveSeverity(label.severity, label.startedAt, label.failureAt, at);
    const effect = effectOf[label.kind];
    if (effect !== undefined && physicalFaults.has(label.kind)) effects[effect] = Math.max(effects[effect], fault.severity);
    if (label.kind === 'bearing-wear') {
      const location = label.location ?? 'outer';
      wearAt[location] = Math.max(wearAt[location], fault.severity);
    }
  }
}
