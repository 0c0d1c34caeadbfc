import { parseDuration, parseInstant } from '../description/duration.ts';
import { findMachine } from '../description/machine-reference.ts';
import type { PlantDescription } from '../description/plant-description.ts';
import type { FaultKind, FaultLabel, FaultOptions } from '../plant-api.ts';
import type { PlantModel } from './build-plant.ts';
import type { PlantMachine } from './plant-machine.ts';

export interface ScheduledFault {
  readonly at: number;
  readonly machine: PlantMachine;
  readonly kind: FaultKind;
  readonly options: FaultOptions;
  readonly source: FaultLabel['source'];
}

/**
 * The description's faults in time order: without `at` they are there from the start (source
 * config), with `at` they start then (source schedule; a time before the start means the fault had
 * already begun). The description was checked, so references and times resolve.
 */
export function scheduledFaults(description: PlantDescription, startMs: number, plant: PlantModel): ScheduledFault[] {
  const paths = [...plant.machineByPath.keys()];
  const entries = (description.faults ?? []).map((fault): ScheduledFault => {
    const found = findMachine(fault.machine, paths);
    const machine = plant.machineByPath.get('path' in found ? found.path : '') as PlantMachine;
    const timeToFailureMs = fault.timeToFailure === undefined ? undefined : parseDuration(fault.timeToFailure);
    return {
      at: fault.at === undefined ? startMs : (parseInstant(fault.at, startMs) as number),
      machine,
      kind: fault.kind,
      options: {
        ...(fault.severity !== undefined ? { severity: fault.severity } : {}),
        ...(timeToFailureMs !== undefined ? { timeToFailureMs } : {}),
        ...(fault.tag !== undefined ? { tag: fault.tag } : {}),
        ...(fault.location !== undefined ? { location: fault.location } : {}),
      },
      source: fault.at === undefined ? 'config' : 'schedule',
    };
  });
  return entries.sort((a, b) => a.at - b.at);
}
