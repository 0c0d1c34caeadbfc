import { describe, expect, it } from 'vitest';
import { bearingFrequencies, type Plant, type WaveformBlock } from '../src/index.ts';
import { machinePath, minute, quietPlant, reading } from './plant-fixtures.ts';
import { magnitudeSpectrum, peakNear } from './spectrum.ts';

/** Spectrum peaks averaged over a few consecutive blocks (one a second), to steady the noise. */
function averagePeak(
  plant: Plant,
  machine: string,
  channel: string,
  frequency: (shaftHz: number, bpfoHz: number, all: WaveformBlock['frequencies']) => number,
  blocks = 4,
  toleranceHz = 7,
): number {
  let sum = 0;
  for (let block = 0; block < blocks; block++) {
    plant.advance(plant.now + 1_000);
    const waveform = plant.waveform(machine, channel);
    const at = frequency(waveform.frequencies.shaftHz, waveform.frequencies.bpfoHz, waveform.frequencies);
    sum += peakNear(magnitudeSpectrum(waveform.samples), waveform.sampleRateHz, at, toleranceHz);
  }
  return sum / blocks;
}

describe('vibration waveforms', () => {
  it('are 4,096 samples at 25.6 kHz with the bearing frequencies of the geometry', () => {
    const plant = quietPlant();
    const waveform = plant.waveform('cooling-pump');
    expect([waveform.samples.length, waveform.sampleRateHz, waveform.unit, waveform.channel, waveform.ts]).toEqual([4_096, 25_600, 'g', 'x', plant.now]);
    expect(waveform.frequencies).toEqual(
      bearingFrequencies({ balls: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.5, contactAngleDeg: 0 }, waveform.frequencies.shaftHz),
    );
    expect(waveform.frequencies.shaftHz).toBeCloseTo(2_950 / 60, 0);
  });

  it('show an injected bearing fault at its BPFO', () => {
    const [healthy, worn] = [quietPlant(), quietPlant()];
    worn.injectFault(machinePath(worn, 'cooling-pump'), 'bearing-wear', { severity: 0.5, timeToFailureMs: 24 * 60 * minute });
    const bpfo = (_shaftHz: number, bpfoHz: number): number => bpfoHz;
    const healthyPeak = averagePeak(healthy, 'cooling-pump', 'y', bpfo, 4, 3);
    const wornPeak = averagePeak(worn, 'cooling-pump', 'y', bpfo, 4, 3);
    // This pump's BPFO (~149 Hz) shares a bin with its 3× line (~147.5 Hz), so the healthy "BPFO" peak is 3×.
    expect(wornPeak).toBeGreaterThan(8 * healthyPeak);
    // The shaft line is about the same: the fault is at the defect frequency, not everywhere.
    const shaft = (shaftHz: number): number => shaftHz;
    expect(averagePeak(worn, 'cooling-pump', 'y', shaft) / averagePeak(healthy, 'cooling-pump', 'y', shaft)).toBeCloseTo(1, 0);
  });

  it('show an inner-race defect at BPFI with 1× sidebands, and record the location in the label', () => {
    const [healthy, worn] = [quietPlant(), quietPlant()];
    const label = worn.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5, location: 'inner' });
    expect(label.location).toBe('inner');
    const lines = {
      bpfi: (_s: number, _o: number, all: WaveformBlock['frequencies']): number => all.bpfiHz,
      lower: (s: number, _o: number, all: WaveformBlock['frequencies']): number => all.bpfiHz - s,
      upper: (s: number, _o: number, all: WaveformBlock['frequencies']): number => all.bpfiHz + s,
      bpfo: (_s: number, bpfo: number): number => bpfo,
    };
    const ratio = (line: keyof typeof lines): number =>
      averagePeak(worn, 'cooling-pump', 'y', lines[line], 2, 3) / averagePeak(healthy, 'cooling-pump', 'y', lines[line], 2, 3);
    expect(ratio('bpfi')).toBeGreaterThan(10);
    expect(ratio('lower')).toBeGreaterThan(5);
    expect(ratio('upper')).toBeGreaterThan(5);
    // The inner race dominates: BPFO carries only the tenth every worn bearing shows.
    expect(averagePeak(worn, 'cooling-pump', 'y', lines.bpfi, 2, 3)).toBeGreaterThan(4 * averagePeak(worn, 'cooling-pump', 'y', lines.bpfo, 2, 3));
  });

  it('show a ball defect at 2×BSF with FTF sidebands and a cage defect at FTF', () => {
    const [healthy, ball, cage] = [quietPlant(), quietPlant(), quietPlant()];
    ball.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5, location: 'ball' });
    cage.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5, location: 'cage' });
    const twiceBsf = (_s: number, _o: number, all: WaveformBlock['frequencies']): number => 2 * all.bsfHz;
    const ftf = (_s: number, _o: number, all: WaveformBlock['frequencies']): number => all.ftfHz;
    expect(averagePeak(ball, 'cooling-pump', 'y', twiceBsf, 2, 3)).toBeGreaterThan(10 * averagePeak(healthy, 'cooling-pump', 'y', twiceBsf, 2, 3));
    // FTF sidebands of 2×BSF: FTF is ~20 Hz, three bins of 6.25 Hz away.
    const upper = (_s: number, _o: number, all: WaveformBlock['frequencies']): number => 2 * all.bsfHz + all.ftfHz;
    expect(averagePeak(ball, 'cooling-pump', 'y', upper, 2, 2)).toBeGreaterThan(5 * averagePeak(healthy, 'cooling-pump', 'y', upper, 2, 2));
    expect(averagePeak(cage, 'cooling-pump', 'y', ftf, 2, 3)).toBeGreaterThan(10 * averagePeak(healthy, 'cooling-pump', 'y', ftf, 2, 3));
    expect(averagePeak(cage, 'cooling-pump', 'y', ftf, 2, 3)).toBeGreaterThan(5 * averagePeak(ball, 'cooling-pump', 'y', ftf, 2, 3));
  });

  it('grow the BPFO line as bearing wear progresses toward failure', () => {
    const plant = quietPlant();
    plant.injectFault(machinePath(plant, 'cooling-pump'), 'bearing-wear', { severity: 0.05, timeToFailureMs: 60 * minute });
    const bpfo = (_shaftHz: number, bpfoHz: number): number => bpfoHz;
    const injectedAt = plant.now;
    const peaks = [10, 30, 55].map((minutes) => {
      plant.advance(injectedAt + minutes * minute);
      return averagePeak(plant, 'cooling-pump', 'x', bpfo, 2);
    });
    expect(peaks[1]).toBeGreaterThan(2 * (peaks[0] as number));
    expect(peaks[2]).toBeGreaterThan(1.5 * (peaks[1] as number));
  });

  it('show imbalance at 1× and misalignment at 2×, strongest axially', () => {
    const [healthy, unbalanced, misaligned] = [quietPlant(), quietPlant(), quietPlant()];
    unbalanced.injectFault(machinePath(unbalanced, 'exhaust-fan'), 'imbalance', { severity: 0.6 });
    misaligned.injectFault(machinePath(misaligned, 'exhaust-fan'), 'misalignment', { severity: 0.6 });
    const once = (shaftHz: number): number => shaftHz;
    const twice = (shaftHz: number): number => 2 * shaftHz;
    expect(averagePeak(unbalanced, 'exhaust-fan', 'x', once)).toBeGreaterThan(5 * averagePeak(healthy, 'exhaust-fan', 'x', once));
    expect(averagePeak(misaligned, 'exhaust-fan', 'z', twice)).toBeGreaterThan(5 * averagePeak(healthy, 'exhaust-fan', 'z', twice));
    expect(averagePeak(misaligned, 'exhaust-fan', 'z', twice)).toBeGreaterThan(averagePeak(misaligned, 'exhaust-fan', 'x', twice));
    expect(reading(unbalanced, 'exhaust-fan', 'vibration-velocity-rms')).toBeGreaterThan(4 * reading(healthy, 'exhaust-fan', 'vibration-velocity-rms'));
  });

  it('agree with the RMS and peak tags (one block scatters ±10 % around them)', () => {
    const plant = quietPlant();
    plant.injectFault(machinePath(plant, 'cooling-pump'), 'bearing-wear', { severity: 0.4 });
    for (const channel of ['x', 'y', 'z']) {
      const ratios = { rms: 0, peak: 0 };
      for (let block = 0; block < 8; block++) {
        plant.advance(plant.now + 1_000);
        const waveform = plant.waveform('cooling-pump', channel);
        ratios.rms += reading(plant, 'cooling-pump', `vibration-${channel}-rms`) / waveform.rms / 8;
        ratios.peak += reading(plant, 'cooling-pump', `vibration-${channel}-peak`) / waveform.peak / 8;
      }
      expect(ratios.rms).toBeGreaterThan(0.93);
      expect(ratios.rms).toBeLessThan(1.07);
      expect(ratios.peak).toBeGreaterThan(0.85);
      expect(ratios.peak).toBeLessThan(1.2);
    }
  });

  it('are the same for the same time and differ between blocks', () => {
    const plant = quietPlant();
    const first = plant.waveform('cnc-1');
    expect(plant.waveform('cnc-1').samples).toEqual(first.samples);
    plant.advance(plant.now + 160);
    expect(plant.waveform('cnc-1').samples).not.toEqual(first.samples);
    expect(() => plant.waveform('cnc-1', 'w')).toThrow('machine "acme/plant1/machining/line1/turning/cnc-1": vibration channel "w" is not one of x, y, z');
  });
});
