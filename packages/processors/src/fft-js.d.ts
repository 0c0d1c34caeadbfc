// fft.js 4.0.4 ships typings of `any`; these are the parts we use, typed.
declare module 'fft.js' {
  /** Radix-4 FFT of a power-of-two size (indutny/fft.js). */
  class FFT {
    constructor(size: number);
    readonly size: number;
    /** Transform of real `data`: fills `out` (length 2 × size, interleaved re, im) up to the Nyquist bin; the upper half is left alone. */
    realTransform(out: Float64Array, data: Float64Array): void;
  }
  export = FFT;
}
