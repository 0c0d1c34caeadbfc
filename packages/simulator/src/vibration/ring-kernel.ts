/** Block size and sample rate of generated vibration waveforms. */
export const waveformDefaults = { samples: 4_096, sampleRateHz: 25_600 } as const;

/** Damping ratio of the structural resonance rung by bearing impacts. */
const damping = 0.05;
const kernels = new Map<string, Float64Array>();
const energies = new Map<number, number>();

/**
 * The response of the structure to one bearing impact: e^(−ζωt)·sin(ω_d·t), normalised to a peak
 * of 1, until it has decayed to 1 %.
 */
export function ringKernel(resonanceHz: number, sampleRateHz: number = waveformDefaults.sampleRateHz): Float64Array {
  const key = `${resonanceHz}/${sampleRateHz}`;
  const cached = kernels.get(key);
  if (cached !== undefined) return cached;
  const omega = 2 * Math.PI * resonanceHz;
  const decay = damping * omega;
  const damped = omega * Math.sqrt(1 - damping * damping);
  const length = Math.ceil((Math.log(100) / decay) * sampleRateHz);
  const kernel = new Float64Array(length);
  let peak = 0;
  for (let index = 0; index < length; index++) {
    const t = index / sampleRateHz;
    const value = Math.exp(-decay * t) * Math.sin(damped * t);
    kernel[index] = value;
    peak = Math.max(peak, Math.abs(value));
  }
  for (let index = 0; index < length; index++) kernel[index] = (kernel[index] as number) / peak;
  kernels.set(key, kernel);
  return kernel;
}

/** ∫ kernel² dt (g²·s for a unit impact): the energy one impact adds. */
export function kernelEnergy(resonanceHz: number): number {
  const cached = energies.get(resonanceHz);
  if (cached !== undefined) return cached;
  let sum = 0;
  for (const value of ringKernel(resonanceHz)) sum += value * value;
  const energy = sum / waveformDefaults.sampleRateHz;
  energies.set(resonanceHz, energy);
  return energy;
}
