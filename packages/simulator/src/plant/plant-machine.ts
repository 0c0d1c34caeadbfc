import type { MachineState } from '../plant-api.ts';
import type { Random } from '../random.ts';
import type { MachineBehaviour, MachineModel } from '../machines/machine-behaviour.ts';
import type { MachineCore } from '../machines/machine-core.ts';

/** A stop the machine is in for a while: a short stop or breakdown (down), or a changeover. */
export interface TimedStop {
  readonly state: 'down' | 'changeover';
  remainingS: number;
  readonly reason: string;
}

/** Everything the plant keeps about one machine. */
export interface PlantMachine {
  readonly core: MachineCore;
  readonly behaviour: MachineBehaviour;
  readonly model: MachineModel;
  /** A second stream for sensor noise, so sampling rates do not change the physics. */
  readonly noise: Random;
  /** Its tags are `firstTag … firstTag + tagCount − 1`. */
  readonly firstTag: number;
  readonly tagCount: number;
  /** Simulated ms per state, indexed like `machineStates`. */
  readonly stateMs: Float64Array;
  stateReason: string | undefined;
  /** Held by `setMachineState`; setting running clears it. */
  commanded: { readonly state: MachineState; readonly reason: string } | undefined;
  /** Id of the fault whose failure holds the machine down until it is cleared. */
  failedBy: string | undefined;
  stop: TimedStop | undefined;
  /** Operating seconds until the next short stop and the next breakdown. */
  untilShortStopS: number;
  untilBreakdownS: number;
  partsSinceChangeover: number;
  /** Active dropped-link faults: while > 0 its tags are bad and frozen. */
  droppedLinks: number;
  /** Earliest time one of its tags is due for sampling. */
  nextSampleMs: number;
}
