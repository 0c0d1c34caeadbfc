/**
 * The simulator core in this process, no protocol (moved here from packages/simulator/scripts/measure.mjs):
 * the cost of stepping a plant and reading every tag, and of generating vibration blocks.
 */
import type { Plant } from '@shopfloor/simulator';
import { ownCpuUs } from './proc-cpu.ts';

export interface AdvanceRun {
  /** CPU µs per tag per simulated second: plant.advance(+1 s), then valueAt + qualityAt of every tag. */
  readonly perTag: number;
  /** The reading alone, µs per tag. */
  readonly readPerTag: number;
  /** Wall ms per simulated second (advance + read). */
  readonly wallMsPerSecond: number;
}

/** Steps `plant` one simulated second at a time for `seconds`, reading every value and quality after each step. */
export function advanceAndRead(plant: Plant, seconds: number): AdvanceRun {
  const count = plant.tags.length;
  let checksum = 0;
  let readUs = 0;
  const cpuStart = ownCpuUs();
  const wallStart = performance.now();
  for (let second = 0; second < seconds; second++) {
    plant.advance(plant.now + 1_000);
    const readStart = ownCpuUs();
    for (let index = 0; index < count; index++) {
      const value = plant.valueAt(index);
      if (typeof value === 'number') checksum += value;
      if (plant.qualityAt(index) !== 'good') checksum++;
    }
    readUs += ownCpuUs() - readStart;
  }
  const cpuUs = ownCpuUs() - cpuStart;
  if (Number.isNaN(checksum)) throw new Error('a tag value is NaN');
  return { perTag: cpuUs / (seconds * count), readPerTag: readUs / (seconds * count), wallMsPerSecond: (performance.now() - wallStart) / seconds };
}

/** A block's duration at 4,096 samples and 25.6 kHz, ms. */
const blockMs = 160;
const channels = ['x', 'y', 'z'] as const;

/**
 * CPU µs per vibration block of `machine`, channels x, y, z in turn; every 10 blocks the plant
 * advances one block's duration (as in measure.mjs), and that advance is left out.
 */
export function waveformBlocks(plant: Plant, machine: string, blocks: number): { usPerBlock: number; samples: number; sampleRateHz: number } {
  let advanceUs = 0;
  let samples = 0;
  let sampleRateHz = 0;
  const cpuStart = ownCpuUs();
  for (let block = 0; block < blocks; block++) {
    if (block % 10 === 0) {
      const advanceStart = ownCpuUs();
      plant.advance(plant.now + blockMs);
      advanceUs += ownCpuUs() - advanceStart;
    }
    const generated = plant.waveform(machine, channels[block % 3]);
    samples = generated.samples.length;
    sampleRateHz = generated.sampleRateHz;
  }
  return { usPerBlock: (ownCpuUs() - cpuStart - advanceUs) / blocks, samples, sampleRateHz };
}

/** The raw reference: a fresh Float32Array of 4,096 samples filled with one sine each (Math.sin), µs per block. */
export function sineBlocks(blocks: number, samples = 4_096, sampleRateHz = 25_600): number {
  let checksum = 0;
  const cpuStart = ownCpuUs();
  for (let block = 0; block < blocks; block++) {
    const buffer = new Float32Array(samples);
    const step = (2 * Math.PI * (50 + (block % 7))) / sampleRateHz;
    for (let index = 0; index < samples; index++) buffer[index] = Math.sin(step * index);
    checksum += buffer[block % samples] as number;
  }
  const usPerBlock = (ownCpuUs() - cpuStart) / blocks;
  if (Number.isNaN(checksum)) throw new Error('sine checksum is NaN');
  return usPerBlock;
}
