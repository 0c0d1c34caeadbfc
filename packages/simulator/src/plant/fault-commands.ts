import { InputError } from '@shopfloor/model';
import { plantDefaults } from '../description/plant-description.ts';
import { parseDuration } from '../description/duration.ts';
import { addFault, applyEffects, removeFault, type ActiveFault, type FaultBook } from '../faults/fault-book.ts';
import { faultProblem } from '../faults/fault-checks.ts';
import { driftSpanPerHour, sensorFaults } from '../faults/fault-kinds.ts';
import { type FaultKind, type FaultLabel, type FaultOptions } from '../plant-api.ts';
import type { PlantModel } from './build-plant.ts';
import type { PlantMachine } from './plant-machine.ts';
import { qualityCodes, sampleMachine, sensorFaultCodes } from './tag-table.ts';

/**
 * Checks and starts a fault. InputError names what is wrong (`faultProblem`, the same check the
 * plant file gets): an unknown kind, a severity outside 0–1, a time to failure on a fault that
 * does not fail the machine, a sensor fault without a (numeric, for drift) tag of the machine, a
 * tag on a physical fault, cavitation on something other than a pump.
 */
export function startFault(
  plant: PlantModel,
  book: FaultBook,
  machine: PlantMachine,
  kind: FaultKind,
  options: FaultOptions,
  source: FaultLabel['source'],
  startedAt: number,
): ActiveFault {
  const where = `fault on "${machine.core.path}"`;
  const tags = plant.table.tags.slice(machine.firstTag, machine.firstTag + machine.tagCount);
  const problem = faultProblem({ type: machine.core.type, tags }, kind, options);
  if (problem !== undefined) throw new InputError('SF_BAD_REQUEST', `${where}: ${problem.message}`);
  let timeToFailureMs = options.timeToFailureMs;
  if (kind === 'bearing-wear') timeToFailureMs ??= parseDuration(plantDefaults.bearingTimeToFailure) as number;
  const severity = options.severity ?? (timeToFailureMs !== undefined ? plantDefaults.progressiveSeverity : plantDefaults.severity);
  const tagIndex = sensorFaults.has(kind) ? tags.find((tag) => tag.name === options.tag)?.index : undefined;
  const location = kind === 'bearing-wear' ? (options.location ?? 'outer') : undefined;
  const label: FaultLabel = {
    id: `fault-${book.nextId++}`,
    machine: machine.core.path,
    kind,
    source,
    startedAt,
    severity,
    ...(timeToFailureMs !== undefined ? { failureAt: startedAt + timeToFailureMs } : {}),
    ...(options.tag !== undefined ? { tag: options.tag } : {}),
    ...(location !== undefined ? { location } : {}),
  };
  const fault: ActiveFault = { label, machine, tagIndex, severity, failed: false };
  addFault(book, fault);
  const table = plant.table;
  if (kind === 'dropped-link') {
    machine.droppedLinks++;
    table.qualities.fill(qualityCodes.bad, machine.firstTag, machine.firstTag + machine.tagCount);
  } else if (tagIndex !== undefined) {
    table.sensorFault[tagIndex] = kind === 'stuck-sensor' ? sensorFaultCodes.stuck : sensorFaultCodes.drift;
    table.drift[tagIndex] = 0;
  }
  return fault;
}

/** Ends a fault; a machine it had failed is repaired and resumes. */
export function endFault(plant: PlantModel, book: FaultBook, fault: ActiveFault, at: number): void {
  removeFault(book, fault, at);
  const machine = fault.machine;
  const table = plant.table;
  if (machine.failedBy === fault.label.id) {
    const other = book.active.find((candidate) => candidate.machine === machine && candidate.failed);
    machine.failedBy = other?.label.id;
  }
  if (fault.label.kind === 'dropped-link' && --machine.droppedLinks === 0) {
    table.qualities.fill(qualityCodes.good, machine.firstTag, machine.firstTag + machine.tagCount);
    sampleMachine(table, machine, at, true);
  }
  if (fault.tagIndex !== undefined) {
    const still = book.active.find((candidate) => candidate.tagIndex === fault.tagIndex);
    table.sensorFault[fault.tagIndex] =
      still === undefined ? sensorFaultCodes.none : still.label.kind === 'stuck-sensor' ? sensorFaultCodes.stuck : sensorFaultCodes.drift;
  }
  applyEffects(book, machine, at);
}

/** Drifting sensors move further from the truth: severity × 5 % of the span per hour. */
export function stepSensorFaults(plant: PlantModel, book: FaultBook, at: number): void {
  for (const fault of book.active) {
    if (fault.label.kind !== 'sensor-drift' || fault.tagIndex === undefined) continue;
    const tag = plant.table.tags[fault.tagIndex];
    const span = tag?.min !== undefined && tag.max !== undefined ? tag.max - tag.min : Math.max(1, Math.abs(plant.table.numbers[fault.tagIndex] as number));
    plant.table.drift[fault.tagIndex] = (fault.severity * span * driftSpanPerHour * (at - fault.label.startedAt)) / 3_600_000;
  }
}
