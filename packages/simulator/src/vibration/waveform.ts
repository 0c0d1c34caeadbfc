import type { Random } from '../random.ts';
import { gaussianTable } from '../random.ts';
import type { AxisSpectrum } from './vibration-model.ts';
import { ringKernel } from './ring-kernel.ts';

/** Fixed phase offsets of the 1×, 2×, 3×, BPFO and 2·BPFO sinusoids (radians). */
const phaseOffsets = [0.3, 1.9, 4.1, 0.7, 2.6] as const;

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
  const bpfoHz = spectrum.frequencies.bpfoHz;
  const tones: [number, number][] = [
    [spectrum.harmonicG[0], shaftHz],
    [spectrum.harmonicG[1], 2 * shaftHz],
    [spectrum.harmonicG[2], 3 * shaftHz],
    [spectrum.bpfoG[0], bpfoHz],
    [spectrum.bpfoG[1], 2 * bpfoHz],
  ];
  const startS = startMs / 1_000;
  for (let tone = 0; tone < tones.length; tone++) {
    const [amplitude, frequencyHz] = tones[tone] as [number, number];
    if (amplitude <= 0 || frequencyHz <= 0) continue;
    addTone(work, amplitude, frequencyHz, sampleRateHz, 2 * Math.PI * fraction(frequencyHz * startS) + (phaseOffsets[tone] as number));
  }
  if (spectrum.impactG > 0 && bpfoHz > 0) addImpacts(work, spectrum, startS, random, sampleRateHz);
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

/** One impact per outer-race ball pass (±1 % slip), each ringing the structural resonance. */
function addImpacts(work: Float64Array, spectrum: AxisSpectrum, startS: number, random: Random, sampleRateHz: number): void {
  const kernel = ringKernel(spectrum.resonanceHz, sampleRateHz);
  const periodS = 1 / spectrum.frequencies.bpfoHz;
  const blockS = work.length / sampleRateHz;
  const kernelS = kernel.length / sampleRateHz;
  let impact = Math.ceil((startS - kernelS) / periodS);
  for (;;) {
    const atS = impact * periodS + periodS * 0.01 * random.gaussian();
    const offset = Math.round((atS - startS) * sampleRateHz);
    if (atS - startS >= blockS) break;
    const amplitude = spectrum.impactG * (1 + 0.2 * random.gaussian());
    const from = Math.max(0, -offset);
    const to = Math.min(kernel.length, work.length - offset);
    for (let index = from; index < to; index++) work[offset + index] = (work[offset + index] as number) + amplitude * (kernel[index] as number);
    impact++;
  }
}

function fraction(value: number): number {
  return value - Math.floor(value);
}
