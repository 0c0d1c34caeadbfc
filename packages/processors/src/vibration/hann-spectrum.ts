import FFT from 'fft.js';

/**
 * The spectrum of a block of `size` samples (a power of two): periodic Hann window, fft.js real
 * transform, every buffer allocated once and reused. `input` holds the windowed samples of the next
 * transform (`load` fills it, or a caller fills it itself with `window`); `transform` leaves
 * |X_k|² for k = 0 … size/2 in `power`.
 */
export class HannSpectrum {
  readonly size: number;
  readonly window: Float64Array;
  /** Σ w[n]: a sine of amplitude A at a bin's centre shows |X_k| = A·Σw/2. */
  readonly windowSum: number;
  /** Σ w[n]²: white noise of variance σ² shows E|X_k|² = σ²·Σw². */
  readonly windowSquareSum: number;
  readonly input: Float64Array;
  readonly power: Float64Array;
  readonly #fft: FFT;
  readonly #output: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 16 || (size & (size - 1)) !== 0) throw new RangeError(`spectrum size ${size} is not a power of two of at least 16`);
    this.size = size;
    this.#fft = new FFT(size);
    this.window = new Float64Array(size);
    let sum = 0;
    let squares = 0;
    for (let index = 0; index < size; index++) {
      const weight = 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size);
      this.window[index] = weight;
      sum += weight;
      squares += weight * weight;
    }
    this.windowSum = sum;
    this.windowSquareSum = squares;
    this.input = new Float64Array(size);
    this.#output = new Float64Array(2 * size);
    this.power = new Float64Array(size / 2 + 1);
  }

  /** Windows `samples` (its first `size`) into `input`. */
  load(samples: ArrayLike<number>): void {
    const input = this.input;
    const window = this.window;
    for (let index = 0; index < this.size; index++) input[index] = (samples[index] as number) * (window[index] as number);
  }

  /** Transforms `input`; |X_k|² goes to `power`. */
  transform(): void {
    const output = this.#output;
    this.#fft.realTransform(output, this.input);
    const power = this.power;
    for (let bin = 0, at = 0; bin < power.length; bin++, at += 2) {
      const re = output[at] as number;
      const im = output[at + 1] as number;
      power[bin] = re * re + im * im;
    }
  }

  /**
   * The amplitude spectrum of `samples`: for k = 0 … size/2, the peak amplitude of a sine at bin k
   * (2·|X_k|/Σw, in the samples' unit), into `into` (allocated when not given).
   */
  amplitudes(samples: ArrayLike<number>, into = new Float64Array(this.size / 2 + 1)): Float64Array {
    this.load(samples);
    this.transform();
    const scale = 2 / this.windowSum;
    const power = this.power;
    for (let bin = 0; bin < power.length; bin++) into[bin] = scale * Math.sqrt(power[bin] as number);
    return into;
  }
}
