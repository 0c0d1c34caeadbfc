import { InputError, type Point, type WaveformBlock } from '@shopfloor/model';
import { bearingDefectOrders, type DefectOrders } from './bearing-orders.ts';
import type { VibrationConfig } from './config.ts';
import { HannSpectrum } from './hann-spectrum.ts';

/** Frequencies (Hz) whose amplitudes a block reports, for its shaft speed. */
export interface DefectFrequencies {
  readonly shaft1x: number;
  readonly shaft2x: number;
  readonly bpfo?: number;
  readonly bpfi?: number;
  readonly bsf?: number;
  readonly ftf?: number;
}

const statistics = ['rms', 'peak', 'crest', 'kurtosis'] as const;
const lines = ['1x', '2x', 'bpfo', 'bpfi', 'bsf', 'ftf'] as const;
const maxCachedPrefixes = 100_000;

/**
 * Vibration features of waveform blocks, as points under the block's prefix (time = the block's):
 *
 * - `rms`, `peak` (largest |x|), `crest` (peak / rms) and `kurtosis` (m4 / m2², 3 for Gaussian
 *   noise, 1.5 for a sine) of the block after removing its mean; 0 for crest and kurtosis of a flat block;
 * - `band_<name>`: the RMS of the part of the signal in each band (Parseval over the Hann-windowed
 *   spectrum: bins whose centre lies in [fromHz, toHz));
 * - `1x`, `2x` and `bpfo`, `bpfi`, `bsf`, `ftf`: the amplitude (peak, the signal's unit) of the
 *   largest spectral line within ± `toleranceHz` of the shaft harmonics and bearing defect
 *   frequencies; a line between two bins reads up to 15 % low (Hann scalloping). They need the
 *   shaft speed (the block's `shaftHz`, else the configured one); defect lines need `bearing`,
 *   `defectOrders` or `defectHz`. Lines that cannot be placed are not reported.
 *
 * One spectrum plan (fft.js, Hann window, buffers) per block size, reused: no allocation per block
 * besides the returned points. Not safe to share between threads (it is not shared: JS).
 */
export class VibrationFeatureExtractor {
  readonly #config: VibrationConfig;
  readonly #orders: DefectOrders | undefined;
  readonly #plans = new Map<number, HannSpectrum>();
  readonly #names = new Map<string, readonly string[]>();

  constructor(config: VibrationConfig) {
    this.#config = config;
    this.#orders = config.defectOrders ?? (config.bearing !== undefined ? bearingDefectOrders(config.bearing) : undefined);
  }

  /** The lines reported for a shaft speed (undefined: the block's or the configured one is unknown). */
  defectFrequencies(shaftHz: number | undefined): DefectFrequencies | undefined {
    const shaft = shaftHz ?? this.#config.shaftHz;
    if (shaft === undefined || !(shaft > 0)) return undefined;
    const fixed = this.#config.defectHz;
    const orders = this.#orders;
    if (fixed !== undefined) return { shaft1x: shaft, shaft2x: 2 * shaft, ...fixed };
    if (orders === undefined) return { shaft1x: shaft, shaft2x: 2 * shaft };
    return { shaft1x: shaft, shaft2x: 2 * shaft, bpfo: orders.bpfo * shaft, bpfi: orders.bpfi * shaft, bsf: orders.bsf * shaft, ftf: orders.ftf * shaft };
  }

  /**
   * The features of one block. InputError (SF_BAD_REQUEST) naming the block when its length is not
   * a power of two of at least 16 or its sample rate is not a positive number.
   */
  process(block: WaveformBlock): Point[] {
    const samples = block.samples;
    const size = samples.length;
    if (size < 16 || (size & (size - 1)) !== 0)
      throw new InputError(
        'SF_BAD_REQUEST',
        `waveform block "${block.prefix}": ${size} samples; feature extraction needs a power of two of at least 16 (e.g. 4096)`,
      );
    if (!(block.sampleRateHz > 0) || !Number.isFinite(block.sampleRateHz))
      throw new InputError('SF_BAD_REQUEST', `waveform block "${block.prefix}": sample rate ${block.sampleRateHz} Hz is not a positive number`);
    const spectrum = this.#plan(size);

    let sum = 0;
    for (let index = 0; index < size; index++) sum += samples[index] as number;
    const mean = sum / size;
    // One pass: central moments, peak, and the windowed input of the transform.
    const input = spectrum.input;
    const window = spectrum.window;
    let m2 = 0;
    let m4 = 0;
    let peak = 0;
    for (let index = 0; index < size; index++) {
      const deviation = (samples[index] as number) - mean;
      const square = deviation * deviation;
      m2 += square;
      m4 += square * square;
      const magnitude = deviation < 0 ? -deviation : deviation;
      if (magnitude > peak) peak = magnitude;
      input[index] = deviation * (window[index] as number);
    }
    spectrum.transform();

    const rms = Math.sqrt(m2 / size);
    const names = this.#namesFor(block.prefix);
    const ts = block.ts;
    const points: Point[] = [
      { tag: names[0] as string, ts, value: rms, quality: 'good' },
      { tag: names[1] as string, ts, value: peak, quality: 'good' },
      { tag: names[2] as string, ts, value: rms > 0 ? peak / rms : 0, quality: 'good' },
      { tag: names[3] as string, ts, value: m2 > 0 ? (m4 * size) / (m2 * m2) : 0, quality: 'good' },
    ];
    const binHz = block.sampleRateHz / size;
    const bands = this.#config.bands;
    for (let band = 0; band < bands.length; band++) {
      const { fromHz, toHz } = bands[band] as { fromHz: number; toHz: number };
      points.push({ tag: names[4 + band] as string, ts, value: bandRms(spectrum, fromHz / binHz, toHz / binHz), quality: 'good' });
    }
    const frequencies = this.defectFrequencies(block.shaftHz);
    if (frequencies !== undefined) {
      const tolerance = this.#config.toleranceHz / binHz;
      const at = 4 + bands.length;
      const values = [frequencies.shaft1x, frequencies.shaft2x, frequencies.bpfo, frequencies.bpfi, frequencies.bsf, frequencies.ftf];
      for (let line = 0; line < values.length; line++) {
        const frequency = values[line];
        if (frequency === undefined) continue;
        points.push({ tag: names[at + line] as string, ts, value: lineAmplitude(spectrum, frequency / binHz, tolerance), quality: 'good' });
      }
    }
    return points;
  }

  #plan(size: number): HannSpectrum {
    let plan = this.#plans.get(size);
    if (plan === undefined) {
      plan = new HannSpectrum(size);
      this.#plans.set(size, plan);
    }
    return plan;
  }

  #namesFor(prefix: string): readonly string[] {
    let names = this.#names.get(prefix);
    if (names === undefined) {
      names = [...statistics, ...this.#config.bands.map((band) => `band_${band.name}`), ...lines].map((feature) => `${prefix}/${feature}`);
      if (this.#names.size >= maxCachedPrefixes) this.#names.clear();
      this.#names.set(prefix, names);
    }
    return names;
  }
}

/** RMS of the bins whose centre lies in [from, to) (in bins): Σ c·|X_k|² / (N·Σw²), c = 2 but 1 at DC and Nyquist. */
function bandRms(spectrum: HannSpectrum, from: number, to: number): number {
  const power = spectrum.power;
  const nyquist = power.length - 1;
  const first = Math.max(0, Math.ceil(from));
  const last = Math.min(nyquist, Math.ceil(to) - 1);
  let sum = 0;
  for (let bin = first; bin <= last; bin++) sum += (bin === 0 || bin === nyquist ? 1 : 2) * (power[bin] as number);
  return Math.sqrt(sum / (spectrum.size * spectrum.windowSquareSum));
}

/** Peak amplitude of the largest line within ± `tolerance` bins of bin `centre` (the bins around it always count). */
function lineAmplitude(spectrum: HannSpectrum, centre: number, tolerance: number): number {
  const power = spectrum.power;
  const first = Math.max(0, Math.floor(centre - tolerance));
  const last = Math.min(power.length - 1, Math.ceil(centre + tolerance));
  let largest = 0;
  for (let bin = first; bin <= last; bin++) if ((power[bin] as number) > largest) largest = power[bin] as number;
  return (2 * Math.sqrt(largest)) / spectrum.windowSum;
}
