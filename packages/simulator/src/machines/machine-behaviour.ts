import type { DataType, PointValue } from '@shopfloor/model';
import type { MachineParams, BearingGeometry } from '../description/plant-description.ts';
import type { MachineType } from '../plant-api.ts';
import type { Lag } from '../physics/lag.ts';
import type { MachineCore } from './machine-core.ts';
import type { Rotor } from './rotor.ts';

/** One tag of a machine, bound to that machine's state. */
export interface TagDefinition {
  readonly name: string;
  readonly dataType: DataType;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
  /** Standard deviation of the sensor noise, in `unit`; none for counters and states. */
  readonly noise?: number;
  /** Sampling rate in simulated time; 1 Hz unless said. */
  readonly rateHz?: number;
  readonly read: () => PointValue;
  /** Setpoints only: applies a value already checked against type and range. */
  readonly write?: (value: number | boolean) => void;
}

/** A machine of one type, alive: its tags and its physics. */
export interface MachineBehaviour {
  readonly tags: readonly TagDefinition[];
  /** The rotating component whose vibration `waveform` generates. */
  readonly rotor: Rotor;
  /** First-order lags of the physics, settled at start so the plant begins in steady state. */
  readonly lags: readonly Lag[];
  /** Puts state that is not a lag (controllers, integrators) into steady state; after `lags` settle. */
  settle?(): void;
  /** Advances the physics by `dtS` for the machine's current state. */
  step(dtS: number): void;
  /** Ideal seconds per part with the current setpoints (stations only). */
  cycleSeconds(): number;
  /** Probability that the part just finished is scrap; the type's `scrapRate` when absent. */
  scrapProbability?(): number;
}

export type ResolvedParams = Required<Omit<MachineParams, 'bearing'>> & { readonly bearing: BearingGeometry };

/** Availability losses of a type, in operating time. */
export interface Reliability {
  /** Minor stoppages (jams, misfeeds): mean operating minutes between, and their length. */
  readonly shortStopMtbfMinutes: number;
  readonly shortStopSeconds: readonly [number, number];
  /** Breakdowns: mean operating hours between, and mean time to repair. */
  readonly breakdownMtbfHours: number;
  readonly mttrMinutes: number;
}

export interface MachineModel {
  readonly type: MachineType;
  /** Makes parts: takes from the cell's input buffer and gives to its output buffer. */
  readonly station: boolean;
  /** Parameter keys, besides the common ones, that apply to this type. */
  readonly paramKeys: readonly (keyof MachineParams)[];
  readonly defaults: Partial<ResolvedParams> & Pick<ResolvedParams, 'ratedPowerKw' | 'ratedSpeedRpm' | 'bearing'>;
  readonly reliability: Reliability;
  /** Stations: share of parts that are scrap. */
  readonly scrapRate: number;
  /** Stations: a changeover (tooling, die) every so many parts. */
  readonly changeover?: { readonly everyParts: number; readonly minutes: number };
  create(core: MachineCore, params: ResolvedParams): MachineBehaviour;
}
