import type { DataType, PointValue, Quality } from '@shopfloor/model';

/**
 * The programmatic interface of a simulated plant. Protocol servers (MQTT, Sparkplug, Modbus,
 * OPC UA), the `simulate` role, the control API and, later, the digital twin's what-if runs all
 * drive a plant only through this interface.
 */

export const machineTypes = ['cnc', 'press', 'pump', 'motor', 'conveyor', 'robot', 'oven', 'compressor'] as const;
export type MachineType = (typeof machineTypes)[number];

export const machineStates = ['running', 'idle', 'starved', 'blocked', 'down', 'changeover', 'planned-stop'] as const;
export type MachineState = (typeof machineStates)[number];

export const faultKinds = ['bearing-wear', 'imbalance', 'misalignment', 'cavitation', 'overheating', 'sensor-drift', 'stuck-sensor', 'dropped-link'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Where a bearing defect sits; it decides which defect frequency dominates the vibration. */
export const bearingDefectLocations = ['outer', 'inner', 'ball', 'cage'] as const;
export type BearingDefectLocation = (typeof bearingDefectLocations)[number];

/** One simulated tag: its unified-namespace path is `<site path>/<area>/<line>/<cell>/<machine>/<name>`. */
export interface SimTag {
  readonly index: number;
  readonly path: string;
  readonly machine: string;
  readonly name: string;
  readonly dataType: DataType;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  /** Setpoints are writable; writing one changes the machine. */
  readonly writable: boolean;
  /** How often the value is sampled and published, in simulated time. */
  readonly rateHz: number;
  readonly description: string;
}

export interface MachineInfo {
  /** The machine's path (its tags live under it). */
  readonly path: string;
  readonly id: string;
  readonly type: MachineType;
  readonly site: string;
  readonly area: string;
  readonly line: string;
  readonly cell: string;
  readonly state: MachineState;
  readonly tags: readonly number[];
}

export interface FaultOptions {
  /** 0–1: how bad the fault is at its start (it may grow). */
  readonly severity?: number;
  /** For progressive faults (bearing wear): simulated ms from start until failure. */
  readonly timeToFailureMs?: number;
  /** For sensor faults: which tag (name under the machine) is affected. */
  readonly tag?: string;
  /** For bearing wear: the race, ball or cage that is damaged (default outer). */
  readonly location?: BearingDefectLocation;
}

/** Ground truth for predictive-maintenance benchmarks: what was injected, when, and when it fails. */
export interface FaultLabel {
  readonly id: string;
  readonly machine: string;
  readonly kind: FaultKind;
  readonly source: 'config' | 'schedule' | 'command';
  readonly startedAt: number;
  readonly severity: number;
  readonly failureAt?: number;
  readonly clearedAt?: number;
  readonly tag?: string;
  /** Bearing wear: the damaged part (outer race, inner race, ball or cage). */
  readonly location?: BearingDefectLocation;
}

/** A block of a high-rate vibration channel (e.g. 4,096 samples at 25.6 kHz), in mm/s² or g. */
export interface WaveformBlock {
  readonly machine: string;
  readonly channel: string;
  readonly ts: number;
  readonly sampleRateHz: number;
  readonly unit: string;
  readonly samples: Float32Array;
  readonly rms: number;
  readonly peak: number;
  /** Shaft speed and bearing defect frequencies (Hz) at the time of the block, for checks and features. */
  readonly frequencies: { readonly shaftHz: number; readonly bpfoHz: number; readonly bpfiHz: number; readonly bsfHz: number; readonly ftfHz: number };
}

export interface ProductionCounters {
  readonly machine: string;
  readonly goodParts: number;
  readonly scrapParts: number;
  readonly idealCycleSeconds: number;
  /** Simulated ms spent in each state since start. */
  readonly stateMs: Readonly<Record<MachineState, number>>;
}

export type PlantEvent =
  | {
      readonly type: 'state-changed';
      readonly machine: string;
      readonly at: number;
      readonly from: MachineState;
      readonly to: MachineState;
      readonly reason?: string;
    }
  | { readonly type: 'fault-injected'; readonly label: FaultLabel }
  | { readonly type: 'fault-cleared'; readonly label: FaultLabel }
  | { readonly type: 'failure'; readonly label: FaultLabel; readonly at: number }
  | { readonly type: 'setpoint-written'; readonly tag: string; readonly at: number; readonly value: PointValue };

export interface Plant {
  /** Simulated time, epoch ms. */
  readonly now: number;
  readonly seed: number;
  /** Scheduled faults of the plant file that could not start and were skipped (logged when a logger was given). */
  readonly skippedFaults?: number;
  /** The first segment of every tag path (added). */
  readonly enterprise: string;
  readonly tags: readonly SimTag[];
  machines(): MachineInfo[];
  /** Steps the physics to simulated time `toMs` (fixed internal step; deterministic for a seed). */
  advance(toMs: number): void;
  /** Current value of a tag by index (fast path for publishers). */
  valueAt(index: number): PointValue;
  qualityAt(index: number): Quality;
  /** Simulated time (epoch ms) the tag was last sampled; it stops advancing while its link is dropped (added). */
  timestampAt(index: number): number;
  /** Current value by path; undefined for an unknown path. */
  value(path: string): PointValue | undefined;
  /**
   * Writes a setpoint; NotFoundError (SF_TAG_NOT_FOUND) for an unknown tag; InputError (SF_BAD_REQUEST) naming the tag when
   * it is not writable, of the wrong type or out of range, or its machine is unreachable (dropped link).
   */
  write(path: string, value: PointValue): void;
  /** Machine references: NotFoundError (SF_NOT_FOUND) when none matches, InputError (SF_BAD_REQUEST) when ambiguous. */
  setMachineState(machine: string, state: MachineState, reason?: string): void;
  injectFault(machine: string, kind: FaultKind, options?: FaultOptions): FaultLabel;
  /** NotFoundError (SF_NOT_FOUND) for an unknown fault id. */
  clearFault(id: string): FaultLabel;
  labels(): FaultLabel[];
  /** Generates the next vibration block of a rotating machine's channel at the current time. */
  waveform(machine: string, channel?: string): WaveformBlock;
  counters(): ProductionCounters[];
  /** Subscribes to plant events; returns the unsubscribe function. */
  on(listener: (event: PlantEvent) => void): () => void;
}
