/**
 * Magnitude spectrum of a block (radix-2 FFT, Hann window), for checks on generated waveforms.
 * fft.js is the library for this, but it is not installed in this workspace; this is the same
 * transform in 30 lines, used by tests only.
 */
export function magnitudeSpectrum(samples: Float32Array): Float64Array {
  const size = samples.length;
  if ((size & (size - 1)) !== 0) throw new Error(`block length ${size} is not a power of two`);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let index = 0; index < size; index++) re[index] = (samples[index] as number) * (0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size));
  for (let index = 1, swap = 0; index < size; index++) {
    let bit = size >> 1;
    for (; swap & bit; bit >>= 1) swap ^= bit;
    swap ^= bit;
    if (index < swap) {
      [re[index], re[swap]] = [re[swap] as number, re[index] as number];
      [im[index], im[swap]] = [im[swap] as number, im[index] as number];
    }
  }
  for (let length = 2; length <= size; length <<= 1) {
    const angle = (-2 * Math.PI) / length;
    for (let start = 0; start < size; start += length) {
      for (let offset = 0; offset < length / 2; offset++) {
        const wr = Math.cos(angle * offset);
        const wi = Math.sin(angle * offset);
        const a = start + offset;
        const b = a + length / 2;
        const tr = (re[b] as number) * wr - (im[b] as number) * wi;
        const ti = (re[b] as number) * wi + (im[b] as number) * wr;
        re[b] = (re[a] as number) - tr;
        im[b] = (im[a] as number) - ti;
        re[a] = (re[a] as number) + tr;
        im[a] = (im[a] as number) + ti;
      }
    }
  }
  const magnitudes = new Float64Array(size / 2);
  for (let index = 0; index < size / 2; index++) magnitudes[index] = (2 * Math.hypot(re[index] as number, im[index] as number)) / (size / 2);
  return magnitudes;
}

/** Largest magnitude within ±`toleranceHz` of `frequencyHz`. */
export function peakNear(magnitudes: Float64Array, sampleRateHz: number, frequencyHz: number, toleranceHz = 7): number {
  const binHz = sampleRateHz / (2 * magnitudes.length);
  const from = Math.max(0, Math.floor((frequencyHz - toleranceHz) / binHz));
  const to = Math.min(magnitudes.length - 1, Math.ceil((frequencyHz + toleranceHz) / binHz));
  let peak = 0;
  for (let index = from; index <= to; index++) peak = Math.max(peak, magnitudes[index] as number);
  return peak;
}
