import { InputError } from '@shopfloor/model';
import type { WaveformBlock } from '../plant-api.ts';
import { createRandom } from '../random.ts';
import { bearingFrequencies } from '../vibration/bearing-frequencies.ts';
import { waveformDefaults } from '../vibration/ring-kernel.ts';
import { vibrationAxes, type VibrationAxis } from '../vibration/vibration-model.ts';
import { synthesizeWaveform } from '../vibration/waveform.ts';
import { rotorSpectrum } from '../machines/rotor.ts';
import type { PlantMachine } from './plant-machine.ts';

/**
 * A block of acceleration (g) of a machine's main rotor on one axis at `at`. Its noise is seeded
 * from the plant seed, the machine, the channel and the time, so asking for a waveform never
 * changes the plant, and the same time gives the same block.
 */
export function machineWaveform(machine: PlantMachine, channel: string, seed: number, at: number): WaveformBlock {
  if (!(vibrationAxes as readonly string[]).includes(channel))
    throw new InputError('SF_BAD_REQUEST', `machine "${machine.core.path}": vibration channel "${channel}" is not one of ${vibrationAxes.join(', ')}`);
  const rotor = machine.behaviour.rotor;
  const spectrum = rotorSpectrum(rotor, channel as VibrationAxis);
  const samples = new Float32Array(waveformDefaults.samples);
  const random = createRandom(seed, `${machine.core.path}#vibration-${channel}@${at}`);
  const { rms, peak } = synthesizeWaveform(spectrum, at, random, samples, waveformDefaults.sampleRateHz);
  const frequencies = bearingFrequencies(rotor.bearing, rotor.condition.shaftHz);
  return { machine: machine.core.path, channel, ts: at, sampleRateHz: waveformDefaults.sampleRateHz, unit: 'g', samples, rms, peak, frequencies };
}
