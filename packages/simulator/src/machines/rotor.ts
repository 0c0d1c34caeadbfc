import type { BearingGeometry } from '../description/plant-description.ts';
import { createLag, follow, type Lag } from '../physics/lag.ts';
import {
  axisSpectrum,
  spectrumPeak,
  spectrumRms,
  velocityRms,
  vibrationAxes,
  type AxisSpectrum,
  type VibrationAxis,
  type VibrationCondition,
  type VibrationProfile,
} from '../vibration/vibration-model.ts';
import type { FaultEffects } from './machine-core.ts';

/**
 * The main rotating component of a machine (pump shaft, spindle, fan, flywheel): its speed, its
 * two bearings' temperatures, and its vibration and sound, which faults change.
 */
export interface Rotor {
  readonly ratedSpeedRpm: number;
  readonly bearing: BearingGeometry;
  readonly profile: VibrationProfile;
  /** Sound power level at rated speed and load, dB(A) at 1 m. */
  readonly ratedSoundDb: number;
  readonly speed: Lag;
  readonly bearingDe: Lag;
  readonly bearingNde: Lag;
  readonly condition: VibrationCondition;
  /** Per-axis spectra of the current step, computed when first asked for. */
  readonly spectra: (AxisSpectrum | undefined)[];
}

export interface RotorLevels {
  readonly rms: number;
  readonly peak: number;
  readonly velocity: number;
}

export function createRotor(ratedSpeedRpm: number, bearing: BearingGeometry, profile: VibrationProfile, ratedSoundDb: number, ambientC: number): Rotor {
  return {
    ratedSpeedRpm,
    bearing,
    profile,
    ratedSoundDb,
    speed: createLag(0, 2),
    bearingDe: createLag(ambientC, 900),
    bearingNde: createLag(ambientC, 900),
    condition: { shaftHz: 0, speedFactor: 0, load: 0, wear: 0, wearAt: { outer: 0, inner: 0, ball: 0, cage: 0 }, imbalance: 0, misalignment: 0, cavitation: 0 },
    spectra: [undefined, undefined, undefined],
  };
}

export function rotorLags(rotor: Rotor): Lag[] {
  return [rotor.speed, rotor.bearingDe, rotor.bearingNde];
}

/** Moves the shaft toward `targetRpm` and the bearings toward their temperature for this load. */
export function stepRotor(rotor: Rotor, dtS: number, targetRpm: number, load: number, ambientC: number, faults: FaultEffects): void {
  const rpm = follow(rotor.speed, targetRpm, dtS);
  const speedFactor = rpm / rotor.ratedSpeedRpm;
  const condition = rotor.condition;
  condition.shaftHz = rpm / 60;
  condition.speedFactor = speedFactor;
  condition.load = load;
  condition.wear = faults.wear;
  condition.wearAt.outer = faults.wearAt.outer;
  condition.wearAt.inner = faults.wearAt.inner;
  condition.wearAt.ball = faults.wearAt.ball;
  condition.wearAt.cage = faults.wearAt.cage;
  condition.imbalance = faults.imbalance;
  condition.misalignment = faults.misalignment;
  condition.cavitation = faults.cavitation;
  const running = Math.min(1, speedFactor);
  follow(
    rotor.bearingDe,
    ambientC + 14 * running + 8 * load + 35 * faults.wear * faults.wear + 5 * faults.imbalance + 10 * faults.misalignment + 25 * faults.overheating,
    dtS,
  );
  follow(rotor.bearingNde, ambientC + 11 * running + 6 * load + 3 * faults.imbalance + 15 * faults.overheating, dtS);
  rotor.spectra[0] = rotor.spectra[1] = rotor.spectra[2] = undefined;
}

export function rotorSpectrum(rotor: Rotor, axis: VibrationAxis): AxisSpectrum {
  const index = vibrationAxes.indexOf(axis);
  const cached = rotor.spectra[index];
  if (cached !== undefined) return cached;
  const spectrum = axisSpectrum(rotor.profile, rotor.bearing, rotor.condition, axis);
  rotor.spectra[index] = spectrum;
  return spectrum;
}

export function rotorLevels(rotor: Rotor, axis: VibrationAxis): RotorLevels {
  const spectrum = rotorSpectrum(rotor, axis);
  return { rms: spectrumRms(spectrum), peak: spectrumPeak(spectrum), velocity: velocityRms(spectrum) };
}

/** Overall velocity RMS (mm/s): the largest of the three axes, as a severity chart reads it. */
export function rotorVelocity(rotor: Rotor): number {
  let largest = 0;
  for (const axis of vibrationAxes) largest = Math.max(largest, velocityRms(rotorSpectrum(rotor, axis)));
  return largest;
}

/** Sound level at 1 m, dB(A): background when stopped; speed, load, vibration and cavitation add. */
export function rotorSoundLevel(rotor: Rotor): number {
  const background = 48;
  const speedFactor = rotor.condition.speedFactor;
  if (speedFactor < 0.02) return background;
  const machine =
    rotor.ratedSoundDb +
    30 * Math.log10(speedFactor) +
    3 * rotor.condition.load +
    20 * Math.log10(1 + rotorVelocity(rotor) / 8) +
    10 * rotor.condition.cavitation;
  return 10 * Math.log10(10 ** (background / 10) + 10 ** (machine / 10));
}
