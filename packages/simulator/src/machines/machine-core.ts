import type { BearingDefectLocation } from '../plant-api.ts';
import type { MachineState, MachineType } from '../plant-api.ts';
import type { Random } from '../random.ts';

/** Severities (0–1) of the physical faults acting on a machine now; the fault book keeps them. */
export interface FaultEffects {
  /** Bearing wear, the worst of any location. */
  wear: number;
  /** Bearing wear by where the defect is (outer race, inner race, ball, cage). */
  readonly wearAt: Record<BearingDefectLocation, number>;
  imbalance: number;
  misalignment: number;
  cavitation: number;
  overheating: number;
}

/** What a machine sees of its site: the simulated time and the ambient temperature. */
export interface SiteEnvironment {
  timeMs: number;
  ambientC: number;
}

/**
 * The part of a machine every type shares: identity, its random stream, its production state
 * (written by the line) and the faults acting on it (written by the fault book). The type's
 * behaviour reads these and computes the physics.
 */
export interface MachineCore {
  readonly path: string;
  readonly id: string;
  readonly type: MachineType;
  readonly site: string;
  readonly area: string;
  readonly line: string;
  readonly cell: string;
  readonly random: Random;
  readonly environment: SiteEnvironment;
  readonly faults: FaultEffects;
  state: MachineState;
  /** 0–1 through the current part's cycle; holds while the machine waits. */
  cycleProgress: number;
  /** Counts completed cycles (parts, strokes), good or scrap. */
  cycles: number;
  goodParts: number;
  scrapParts: number;
  lastCycleSeconds: number;
  readonly idealCycleSeconds: number;
}

export function createFaultEffects(): FaultEffects {
  return { wear: 0, wearAt: { outer: 0, inner: 0, ball: 0, cage: 0 }, imbalance: 0, misalignment: 0, cavitation: 0, overheating: 0 };
}

/** Powered and able to move: everything but down and planned stop. */
export function isEnergised(state: MachineState): boolean {
  return state !== 'down' && state !== 'planned-stop';
}
