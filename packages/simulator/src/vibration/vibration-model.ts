import type { BearingGeometry } from '../description/plant-description.ts';
import { bearingFrequencies, type BearingFrequencies } from './bearing-frequencies.ts';
import { kernelEnergy } from './ring-kernel.ts';

/**
 * The vibration of a rotating machine as a small set of components: shaft harmonics (1×, 2×, 3×),
 * a tone and impacts at the outer-race defect frequency, and broadband noise. The waveform
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
  wear: number;
  imbalance: number;
  misalignment: number;
  cavitation: number;
}

export interface AxisSpectrum {
  readonly frequencies: BearingFrequencies;
  /** Peak acceleration (g) of the sinusoids at 1×, 2×, 3× shaft speed and at BPFO, 2·BPFO. */
  readonly harmonicG: readonly [number, number, number];
  readonly bpfoG: readonly [number, number];
  /** Peak of each bearing impact (g), one per outer-race ball pass, ringing the resonance. */
  readonly impactG: number;
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
  const wear = condition.wear * weights.bearing;
  return {
    frequencies,
    harmonicG: [velocityToG(v1, f), velocityToG(v2, 2 * f), velocityToG(v3, 3 * f)],
    bpfoG: [0.3 * wear * s * s, 0.12 * wear * s * s],
    impactG: 3 * wear * s * s,
    resonanceHz: profile.resonanceHz,
    noiseG: 0.003 + profile.noiseG * s * (0.6 + 0.4 * condition.load) + 0.6 * condition.cavitation * s,
  };
}

/** RMS (g) of the components, as a long waveform would measure it. */
export function spectrumRms(spectrum: AxisSpectrum): number {
  let square = spectrum.noiseG * spectrum.noiseG;
  for (const amplitude of spectrum.harmonicG) square += (amplitude * amplitude) / 2;
  for (const amplitude of spectrum.bpfoG) square += (amplitude * amplitude) / 2;
  // Each impact rings the resonance with the energy of one kernel; there are BPFO of them a second.
  square += spectrum.impactG * spectrum.impactG * spectrum.frequencies.bpfoHz * kernelEnergy(spectrum.resonanceHz);
  return Math.sqrt(square);
}

/** Expected peak (g) over one block: the periodic part lines up, impacts and ~3.5σ of noise add. */
export function spectrumPeak(spectrum: AxisSpectrum): number {
  let periodic = 0;
  for (const amplitude of spectrum.harmonicG) periodic += amplitude;
  for (const amplitude of spectrum.bpfoG) periodic += amplitude;
  const random = Math.hypot(3.5 * spectrum.noiseG, 1.3 * spectrum.impactG);
  return 0.9 * periodic + random;
}

/** Velocity RMS (mm/s) over 10–1,000 Hz, the ISO 10816 severity measure. */
export function velocityRms(spectrum: AxisSpectrum): number {
  const f = spectrum.frequencies.shaftHz;
  let square = 0;
  const harmonics = [f, 2 * f, 3 * f];
  for (let index = 0; index < 3; index++) square += squareVelocity(spectrum.harmonicG[index] as number, harmonics[index] as number);
  square += squareVelocity(spectrum.bpfoG[0], spectrum.frequencies.bpfoHz) + squareVelocity(spectrum.bpfoG[1], 2 * spectrum.frequencies.bpfoHz);
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
