import type { Random } from '../random.ts';
import { gaussianTable } from '../random.ts';
import type { AxisSpectrum, ImpactTrain } from './vibration-model.ts';
import { ringKernel } from './ring-kernel.ts';

/** Fixed phase offsets (radians) of the 1×, 2×, 3× sinusoids, then of the bearing tones in order. */
const phaseOffsets = [0.3, 1.9, 4.1, 0.7, 2.6, 1.3, 5.0, 3.4, 0.9, 4.4, 2.2, 5.7] as const;

/**
 * Synthesises one block of acceleration (g) from the components of `spectrum`, starting at
 * `startMs` (phases follow absolute time, so consecutive blocks join up). Sinusoids are advanced as
 * rotating phasors, impacts add a precomputed ringing kernel, and noise comes from the Gaussian
 * table: no trigonometry per sample.
 */
export function synthesizeWaveform(
  spectrum: AxisSpectrum,
  startMs: number,
  random: Random,
  samples: Float32Array,
  sampleRateHz: number,
): { rms: number; peak: number } {
  const count = samples.length;
  const work = new Float64Array(count);
  const shaftHz = spectrum.frequencies.shaftHz;
  const tones: (readonly [number, number])[] = [
    [spectrum.harmonicG[0], shaftHz],
    [spectrum.harmonicG[1], 2 * shaftHz],
    [spectrum.harmonicG[2], 3 * shaftHz],
    ...spectrum.bearingTones,
  ];
  const startS = startMs / 1_000;
  for (let tone = 0; tone < tones.length; tone++) {
    const [amplitude, frequencyHz] = tones[tone] as [number, number];
    if (amplitude <= 0 || frequencyHz <= 0) continue;
    addTone(work, amplitude, frequencyHz, sampleRateHz, 2 * Math.PI * fraction(frequencyHz * startS) + (phaseOffsets[tone] ?? 0));
  }
  for (const train of spectrum.impacts) if (train.g > 0 && train.rateHz > 0) addImpacts(work, train, spectrum.resonanceHz, startS, random, sampleRateHz);
  const noise = spectrum.noiseG;
  let sumSquares = 0;
  let peak = 0;
  for (let index = 0; index < count; index++) {
    const value = (work[index] as number) + noise * (gaussianTable[random.bits16()] as number);
    samples[index] = value;
    sumSquares += value * value;
    const magnitude = value < 0 ? -value : value;
    if (magnitude > peak) peak = magnitude;
  }
  return { rms: Math.sqrt(sumSquares / count), peak };
}

function addTone(work: Float64Array, amplitude: number, frequencyHz: number, sampleRateHz: number, phase: number): void {
  const step = (2 * Math.PI * frequencyHz) / sampleRateHz;
  const cosStep = Math.cos(step);
  const sinStep = Math.sin(step);
  let re = Math.cos(phase);
  let im = Math.sin(phase);
  for (let index = 0; index < work.length; index++) {
    work[index] = (work[index] as number) + amplitude * im;
    const nextRe = re * cosStep - im * sinStep;
    im = re * sinStep + im * cosStep;
    re = nextRe;
  }
}

/**
 * One impact per defect pass (±1 % slip), each ringing the structural resonance, its amplitude
 * modulated as the defect moves through the load zone (inner race at 1×, balls at FTF).
 */
function addImpacts(work: Float64Array, train: ImpactTrain, resonanceHz: number, startS: number, random: Random, sampleRateHz: number): void {
  const kernel = ringKernel(resonanceHz, sampleRateHz);
  const periodS = 1 / train.rateHz;
  const half = train.depth / 2;
  const blockS = work.length / sampleRateHz;
  const kernelS = kernel.length / sampleRateHz;
  let impact = Math.ceil((startS - kernelS) / periodS);
  for (;;) {
    const atS = impact * periodS + periodS * 0.01 * random.gaussian();
    const offset = Math.round((atS - startS) * sampleRateHz);
    if (atS - startS >= blockS) break;
    const modulation = half > 0 ? 1 - half + half * Math.cos(2 * Math.PI * fraction(train.modulationHz * atS)) : 1;
    const amplitude = train.g * modulation * (1 + 0.2 * random.gaussian());
    const from = Math.max(0, -offset);
    const to = Math.min(kernel.length, work.length - offset);
    for (let index = from; index < to; index++) work[offset + index] = (work[offset + index] as number) + amplitude * (kernel[index] as number);
    impact++;
  }
}

function fraction(value: number): number {
  return value - Math.floor(value);
}
