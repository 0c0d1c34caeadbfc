import type { BearingGeometry } from '../description/plant-description.ts';
import type { BearingDefectLocation } from '../plant-api.ts';
import { bearingFrequencies, type BearingFrequencies } from './bearing-frequencies.ts';
import { kernelEnergy } from './ring-kernel.ts';

/**
 * The vibration of a rotating machine as a small set of components: shaft harmonics (1×, 2×, 3×),
 * the bearing defect components, and broadband noise. A worn bearing shows every defect family,
 * the damaged part's at full strength and the others at a tenth of it:
 * - outer race: tones at BPFO and 2·BPFO, impacts at BPFO (the defect is fixed in the load zone);
 * - inner race: a tone at BPFI with sidebands at BPFI ± 1× and impacts at BPFI, both amplitude-
 *   modulated at 1× (the defect turns with the shaft through the load zone);
 * - ball: a tone at 2·BSF (a ball defect strikes both races each spin) with sidebands at ± FTF and
 *   impacts at 2·BSF modulated at FTF (the ball travels with the cage);
 * - cage: a tone at FTF. The waveform
 * generator and the RMS/peak tags both start from `axisSpectrum`, so they agree.
 */

export const vibrationAxes = ['x', 'y', 'z'] as const;
export type VibrationAxis = (typeof vibrationAxes)[number];

/** How a machine type vibrates when healthy. */
export interface VibrationProfile {
  /** 1× velocity RMS at rated speed (mm/s): ISO 10816 zone A/B for a healthy machine. */
  readonly baseVelocityMmS: number;
  /** Broadband acceleration noise at rated speed (g RMS). */
  readonly noiseG: number;
  /** Structural resonance rung by bearing impacts (Hz). */
  readonly resonanceHz: number;
}

/** The state of the machine that vibration depends on; severities are 0–1. */
export interface VibrationCondition {
  shaftHz: number;
  /** Shaft speed over rated speed. */
  speedFactor: number;
  load: number;
  /** Bearing wear: the worst of any location, and by location. */
  wear: number;
  readonly wearAt: Record<BearingDefectLocation, number>;
  imbalance: number;
  misalignment: number;
  cavitation: number;
}

/** A train of bearing impacts, each ringing the resonance: `g` peak, `rateHz` a second, amplitude modulated at `modulationHz`. */
export interface ImpactTrain {
  readonly g: number;
  readonly rateHz: number;
  readonly modulationHz: number;
  /** 0–1: the amplitude swings between 1 − depth and 1 over each modulation period. */
  readonly depth: number;
}

export interface AxisSpectrum {
  readonly frequencies: BearingFrequencies;
  /** Peak acceleration (g) of the sinusoids at 1×, 2×, 3× shaft speed. */
  readonly harmonicG: readonly [number, number, number];
  /** Bearing sinusoids as [peak g, Hz]: BPFO, 2·BPFO, BPFI, BPFI ∓ 1×, 2·BSF, 2·BSF ∓ FTF, FTF (zeros when healthy). */
  readonly bearingTones: readonly (readonly [number, number])[];
  /** Impact trains of the outer race (BPFO), inner race (BPFI) and balls (2·BSF); none when healthy. */
  readonly impacts: readonly ImpactTrain[];
  readonly resonanceHz: number;
  /** Broadband noise (g RMS). */
  readonly noiseG: number;
}

const gravityMmS2 = 9_806.65;

const axisWeights: Record<VibrationAxis, { base: number; imbalance: number; misalignment1: number; misalignment2: number; bearing: number }> = {
  x: { base: 1, imbalance: 1, misalignment1: 0.3, misalignment2: 0.6, bearing: 1 },
  y: { base: 0.8, imbalance: 0.8, misalignment1: 0.3, misalignment2: 0.5, bearing: 1.2 },
  z: { base: 0.5, imbalance: 0.2, misalignment1: 0.6, misalignment2: 1, bearing: 0.4 },
};

export function axisSpectrum(profile: VibrationProfile, bearing: BearingGeometry, condition: VibrationCondition, axis: VibrationAxis): AxisSpectrum {
  const weights = axisWeights[axis];
  const frequencies = bearingFrequencies(bearing, condition.shaftHz);
  const s = Math.max(0, condition.speedFactor);
  // Velocity RMS (mm/s) of each shaft harmonic, converted to peak acceleration at its frequency.
  const v1 = s * (profile.baseVelocityMmS * weights.base + 11 * condition.imbalance * weights.imbalance + 3 * condition.misalignment * weights.misalignment1);
  const v2 = s * (0.35 * profile.baseVelocityMmS * weights.base + 8 * condition.misalignment * weights.misalignment2);
  const v3 = s * (0.15 * profile.baseVelocityMmS * weights.base + 2.5 * condition.misalignment * weights.misalignment2);
  const f = condition.shaftHz;
  const ss = s * s;
  // Each defect family: its own wear, or a tenth of the worst wear when another part is damaged.
  const level = (wear: number): number => Math.max(wear, 0.1 * condition.wear) * weights.bearing * ss;
  const outer = level(condition.wearAt.outer);
  const inner = level(condition.wearAt.inner);
  const ball = level(condition.wearAt.ball);
  const cage = level(condition.wearAt.cage);
  const { bpfoHz, bpfiHz, bsfHz, ftfHz } = frequencies;
  const sideband = modulationDepth / 2;
  const bearingTones: (readonly [number, number])[] = [
    [0.3 * outer, bpfoHz],
    [0.12 * outer, 2 * bpfoHz],
    [0.25 * inner, bpfiHz],
    [0.25 * inner * sideband, bpfiHz - f],
    [0.25 * inner * sideband, bpfiHz + f],
    [0.2 * ball, 2 * bsfHz],
    [0.2 * ball * sideband, 2 * bsfHz - ftfHz],
    [0.2 * ball * sideband, 2 * bsfHz + ftfHz],
    [0.06 * cage, ftfHz],
  ];
  const impacts: ImpactTrain[] = [];
  if (outer > 0) impacts.push({ g: 3 * outer, rateHz: bpfoHz, modulationHz: 0, depth: 0 });
  if (inner > 0) impacts.push({ g: 2.5 * inner, rateHz: bpfiHz, modulationHz: f, depth: modulationDepth });
  if (ball > 0) impacts.push({ g: 2 * ball, rateHz: 2 * bsfHz, modulationHz: ftfHz, depth: modulationDepth });
  return {
    frequencies,
    harmonicG: [velocityToG(v1, f), velocityToG(v2, 2 * f), velocityToG(v3, 3 * f)],
    bearingTones,
    impacts,
    resonanceHz: profile.resonanceHz,
    noiseG: 0.003 + profile.noiseG * s * (0.6 + 0.4 * condition.load) + 0.6 * condition.cavitation * s,
  };
}

/** Depth of the amplitude modulation of inner-race (at 1×) and ball (at FTF) defects. */
export const modulationDepth = 0.8;

/** Mean square of an impact train's modulation factor `1 − depth/2 + depth/2·cos`. */
export function modulationMeanSquare(depth: number): number {
  const mean = 1 - depth / 2;
  return mean * mean + (depth * depth) / 8;
}

/** RMS (g) of the components, as a long waveform would measure it. */
export function spectrumRms(spectrum: AxisSpectrum): number {
  let square = spectrum.noiseG * spectrum.noiseG;
  for (const amplitude of spectrum.harmonicG) square += (amplitude * amplitude) / 2;
  for (const [amplitude] of spectrum.bearingTones) square += (amplitude * amplitude) / 2;
  // Each impact rings the resonance with the energy of one kernel; there are rateHz of them a second.
  for (const train of spectrum.impacts) square += train.g * train.g * train.rateHz * modulationMeanSquare(train.depth) * kernelEnergy(spectrum.resonanceHz);
  return Math.sqrt(square);
}

/** Expected peak (g) over one block: the periodic part lines up, impacts and ~3.5σ of noise add. */
export function spectrumPeak(spectrum: AxisSpectrum): number {
  let periodic = 0;
  for (const amplitude of spectrum.harmonicG) periodic += amplitude;
  for (const [amplitude] of spectrum.bearingTones) periodic += amplitude;
  let impacts = 0;
  for (const train of spectrum.impacts) impacts += train.g * train.g;
  const random = Math.hypot(3.5 * spectrum.noiseG, 1.3 * Math.sqrt(impacts));
  return 0.9 * periodic + random;
}

/** Velocity RMS (mm/s) over 10–1,000 Hz, the ISO 10816 severity measure. */
export function velocityRms(spectrum: AxisSpectrum): number {
  const f = spectrum.frequencies.shaftHz;
  let square = 0;
  const harmonics = [f, 2 * f, 3 * f];
  for (let index = 0; index < 3; index++) square += squareVelocity(spectrum.harmonicG[index] as number, harmonics[index] as number);
  for (const [amplitude, frequencyHz] of spectrum.bearingTones) square += squareVelocity(amplitude, frequencyHz);
  // Broadband noise integrated over the band, dominated by its low end.
  const noiseVelocity = (spectrum.noiseG * gravityMmS2) / (2 * Math.PI * 100);
  return Math.sqrt(square + noiseVelocity * noiseVelocity * 0.1);
}

function velocityToG(velocityRmsMmS: number, frequencyHz: number): number {
  return frequencyHz > 0 ? (velocityRmsMmS * Math.SQRT2 * 2 * Math.PI * frequencyHz) / gravityMmS2 : 0;
}

function squareVelocity(peakG: number, frequencyHz: number): number {
  if (frequencyHz < 10 || frequencyHz > 1_000) return 0;
  const peakVelocity = (peakG * gravityMmS2) / (2 * Math.PI * frequencyHz);
  return (peakVelocity * peakVelocity) / 2;
}
