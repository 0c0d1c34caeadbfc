import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/**
 * A seeded random stream. Every machine has its own (seeded from the plant seed and the machine's
 * path), so adding a machine elsewhere does not change the others.
 */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  gaussian(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number;
  /** 16 random bits, for table lookups in hot loops. */
  bits16(): number;
}

const twoToMinus32 = 1 / 4_294_967_296;

export function createRandom(seed: number, stream: string): Random {
  const generator: JumpableRandomGenerator = xoroshiro128plus((mix32(seed >>> 0) ^ fnv1a(stream)) | 0);
  // pure-rand seeds xoroshiro128+ from 32 bits with a sparse state ([-1, ~seed, seed, 0]): its
  // first outputs are poorly mixed, worst in the high bits, so discard them.
  for (let warmUp = 0; warmUp < 20; warmUp++) generator.next();
  const uniform = (): number => (generator.next() >>> 0) * twoToMinus32;
  return {
    uniform,
    // The high bits: the low bits of xoroshiro128+ are its weakest (the lowest is an LFSR).
    gaussian: () => gaussianTable[generator.next() >>> 16] as number,
    between: (min, max) => min + (max - min) * uniform(),
    exponential: (mean) => -mean * Math.log(1 - uniform()),
    bits16: () => generator.next() >>> 16,
  };
}

/**
 * 65,536 standard normal quantiles at (i + ½)/65,536: a deterministic table that `gaussian()` indexes
 * with 16 random bits (tails to ±4.3σ), an order of magnitude cheaper than Box–Muller.
 */
export const gaussianTable: Float64Array = buildGaussianTable(65_536);

function buildGaussianTable(size: number): Float64Array {
  const table = new Float64Array(size);
  for (let index = 0; index < size; index++) table[index] = inverseNormal((index + 0.5) / size);
  // Shuffle deterministically, so neighbouring indices are not correlated.
  const generator = xoroshiro128plus(0x5eed);
  for (let index = size - 1; index > 0; index--) {
    const other = (generator.next() >>> 0) % (index + 1);
    const swap = table[index] as number;
    table[index] = table[other] as number;
    table[other] = swap;
  }
  return table;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** A stable 32-bit hash of a stream name (FNV-1a). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Spreads the bits of a seed (murmur3 finaliser), so seeds 1 and 2 give unrelated streams. */
function mix32(value: number): number {
  let x = value;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
