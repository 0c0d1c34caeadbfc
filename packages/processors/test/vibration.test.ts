import { describe, expect, it } from 'vitest';
import type { Point, WaveformBlock } from '@shopfloor/model';
import { createPlant, defaultPlantDescription, type Plant } from '@shopfloor/simulator';
import { createVibrationExtractor, HannSpectrum, vibrationConfigProblems, vibrationDefaults, type VibrationConfig } from '../src/index.ts';

const sampleRateHz = 25_600;
const binHz = sampleRateHz / 4_096; // 6.25 Hz
/** The simulator's cooling pump: a deep-groove ball bearing (balls 8, d 17.46 mm, D 72.5 mm). */
const pumpBearing = { balls: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.5, contactAngleDeg: 0 };

function sine(amplitude: number, frequencyHz: number, size = 4_096, phase = 0.3): Float64Array {
  return Float64Array.from({ length: size }, (_, index) => amplitude * Math.sin((2 * Math.PI * frequencyHz * index) / sampleRateHz + phase));
}

/** Gaussian white noise (Box–Muller on a seeded mulberry32), standard deviation `sigma`. */
function whiteNoise(sigma: number, size: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4_294_967_296;
  };
  const samples = new Float64Array(size);
  for (let index = 0; index < size; index++) samples[index] = sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return samples;
}

function features(points: readonly Point[]): Record<string, number> {
  return Object.fromEntries(points.map((each) => [each.tag.slice(each.tag.lastIndexOf('/') + 1), each.value as number]));
}

function block(samples: Float32Array | Float64Array, extra: Partial<WaveformBlock> = {}): WaveformBlock {
  return { prefix: 'acme/plant1/utilities/line1/pumps/p1/vibration-x', ts: 1_764_028_800_000, sampleRateHz, samples, ...extra };
}

describe('vibration features', () => {
  it('of a pure sine: RMS A/√2, peak A, crest √2, kurtosis 1.5, all energy in its band, amplitude A at its line', () => {
    const amplitude = 2;
    const extractor = createVibrationExtractor({ ...vibrationDefaults, shaftHz: 50 * binHz });
    const points = extractor.process(block(sine(amplitude, 50 * binHz))); // 312.5 Hz, on a bin
    expect(points.map((each) => each.tag)).toEqual(
      ['rms', 'peak', 'crest', 'kurtosis', 'band_low', 'band_mid', 'band_high', '1x', '2x'].map(
        (feature) => `acme/plant1/utilities/line1/pumps/p1/vibration-x/${feature}`,
      ),
    );
    expect(points.every((each) => each.ts === 1_764_028_800_000 && each.quality === 'good')).toBe(true);
    const found = features(points);
    expect(found).toEqual({
      rms: expect.closeTo(amplitude / Math.SQRT2, 9),
      peak: expect.closeTo(amplitude, 2),
      crest: expect.closeTo(Math.SQRT2, 2),
      kurtosis: expect.closeTo(1.5, 6),
      band_low: expect.closeTo(amplitude / Math.SQRT2, 9),
      band_mid: expect.closeTo(0, 9),
      band_high: expect.closeTo(0, 9),
      '1x': expect.closeTo(amplitude, 9),
      '2x': expect.closeTo(0, 9),
    });
  });

  it('reads a line between two bins at most 15 % low (Hann scalloping), and finds it within the tolerance', () => {
    const extractor = createVibrationExtractor({ ...vibrationDefaults, toleranceHz: 3 });
    for (const offset of [0.25, 0.5, 0.75]) {
      const frequency = (80 + offset) * binHz;
      const line = features(extractor.process(block(sine(1, frequency), { shaftHz: frequency })))['1x'] as number;
      expect(line).toBeGreaterThan(0.84);
      expect(line).toBeLessThanOrEqual(1);
    }
  });

  it('of white noise: RMS σ, kurtosis 3, band RMS σ·√(bandwidth / Nyquist), and the bands add up to the whole', () => {
    const sigma = 0.5;
    const size = 65_536; // long enough that the estimates sit within a few % of their true values
    const bands = [
      { name: 'a', fromHz: 0, toHz: 1_000 },
      { name: 'b', fromHz: 1_000, toHz: 6_400 },
      { name: 'c', fromHz: 6_400, toHz: 12_800 + 1 },
    ];
    const found = features(createVibrationExtractor({ bands, toleranceHz: 0 }).process(block(whiteNoise(sigma, size, 7))));
    expect(found['rms']).toBeCloseTo(sigma, 2);
    expect(found['kurtosis']).toBeGreaterThan(2.9);
    expect(found['kurtosis']).toBeLessThan(3.1);
    expect(found['crest']).toBeGreaterThan(3.5);
    expect(found['crest']).toBeLessThan(5.5);
    for (const band of bands) {
      const expected = sigma * Math.sqrt((Math.min(band.toHz, 12_800) - band.fromHz) / 12_800);
      expect(Math.abs((found[`band_${band.name}`] as number) / expected - 1)).toBeLessThan(0.05);
    }
    const total = Math.hypot(found['band_a'] as number, found['band_b'] as number, found['band_c'] as number);
    expect(total / (found['rms'] as number)).toBeCloseTo(1, 1);
  });

  it('report no shaft or defect lines without a shaft speed, and defect lines only when the frequencies are known', () => {
    const samples = sine(1, 40 * binHz);
    const names = (config: VibrationConfig, shaftHz?: number) =>
      createVibrationExtractor(config)
        .process(block(samples, shaftHz === undefined ? {} : { shaftHz }))
        .map((each) => each.tag.slice(each.tag.lastIndexOf('/') + 1));
    const base = { bands: [], toleranceHz: 3 };
    expect(names(base)).toEqual(['rms', 'peak', 'crest', 'kurtosis']);
    expect(names(base, 25)).toEqual(['rms', 'peak', 'crest', 'kurtosis', '1x', '2x']);
    expect(names({ ...base, bearing: pumpBearing }, 25)).toEqual(['rms', 'peak', 'crest', 'kurtosis', '1x', '2x', 'bpfo', 'bpfi', 'bsf', 'ftf']);
    expect(createVibrationExtractor({ ...base, shaftHz: 10, defectHz: { bpfo: 100, bpfi: 150, bsf: 60, ftf: 4 } }).defectFrequencies(undefined)).toEqual({
      shaft1x: 10,
      shaft2x: 20,
      bpfo: 100,
      bpfi: 150,
      bsf: 60,
      ftf: 4,
    });
    expect(createVibrationExtractor({ ...base, defectOrders: { bpfo: 3, bpfi: 5, bsf: 2, ftf: 0.4 } }).defectFrequencies(20)).toEqual({
      shaft1x: 20,
      shaft2x: 40,
      bpfo: 60,
      bpfi: 100,
      bsf: 40,
      ftf: 8,
    });
  });

  it('refuses blocks it cannot transform and configurations that do not make sense, naming them', () => {
    const extractor = createVibrationExtractor(vibrationDefaults);
    expect(() => extractor.process(block(new Float32Array(1_000)))).toThrow(
      'waveform block "acme/plant1/utilities/line1/pumps/p1/vibration-x": 1000 samples; feature extraction needs a power of two of at least 16 (e.g. 4096)',
    );
    expect(() => extractor.process(block(new Float32Array(1_024), { sampleRateHz: 0 }))).toThrow('sample rate 0 Hz is not a positive number');
    expect(
      vibrationConfigProblems(
        {
          bands: [
            { name: 'x', fromHz: 100, toHz: 50 },
            { name: 'x', fromHz: 1, toHz: 2 },
          ],
          toleranceHz: 3,
          bearing: { ...pumpBearing, ballDiameterMm: 80 },
          defectHz: { bpfo: 1, bpfi: 1, bsf: 1, ftf: 1 },
        },
        'edge.vibration',
      ),
    ).toEqual([
      'edge.vibration.bands[0]: fromHz 100 is not below toHz 50',
      'edge.vibration.bands[1].name: "x" is used by an earlier band',
      'edge.vibration.bearing: ballDiameterMm 80 is not below pitchDiameterMm 72.5 (the balls sit on the pitch circle)',
      'edge.vibration: give the defect frequencies one way, not bearing and defectHz',
    ]);
    expect(() => createVibrationExtractor({ bands: [], toleranceHz: -1 })).toThrow('vibration.toleranceHz: expected a number >= 0, found number -1');
  });

  it('spectrum amplitudes of a sine equal its amplitude at its bin (the raw FFT reference)', () => {
    const amplitudes = new HannSpectrum(4_096).amplitudes(sine(3, 100 * binHz));
    expect([amplitudes.length, amplitudes[100], amplitudes[99], amplitudes[101], amplitudes[98]]).toEqual([
      2_049,
      expect.closeTo(3, 9),
      expect.closeTo(1.5, 9),
      expect.closeTo(1.5, 9),
      expect.closeTo(0, 9),
    ]);
  });
});

describe('vibration features of the simulated plant', () => {
  function quietPlant(): Plant {
    const description = defaultPlantDescription();
    delete description.faults;
    return createPlant(description);
  }

  /** Features of channel y of the cooling pump, averaged over four blocks a second apart. */
  function pumpFeatures(plant: Plant): Record<string, number> {
    const extractor = createVibrationExtractor({ ...vibrationDefaults, bearing: pumpBearing });
    const sum: Record<string, number> = {};
    for (let index = 0; index < 4; index++) {
      plant.advance(plant.now + 1_000);
      const waveform = plant.waveform('cooling-pump', 'y');
      // The extractor places the defect lines from the geometry; they must be where the simulator put them.
      expect(extractor.defectFrequencies(waveform.frequencies.shaftHz)).toEqual({
        shaft1x: waveform.frequencies.shaftHz,
        shaft2x: 2 * waveform.frequencies.shaftHz,
        bpfo: expect.closeTo(waveform.frequencies.bpfoHz, 9),
        bpfi: expect.closeTo(waveform.frequencies.bpfiHz, 9),
        bsf: expect.closeTo(waveform.frequencies.bsfHz, 9),
        ftf: expect.closeTo(waveform.frequencies.ftfHz, 9),
      });
      const points = extractor.process({
        prefix: `${waveform.machine}/vibration-${waveform.channel}`,
        ts: waveform.ts,
        sampleRateHz: waveform.sampleRateHz,
        samples: waveform.samples,
        unit: waveform.unit,
        shaftHz: waveform.frequencies.shaftHz,
      });
      for (const [name, value] of Object.entries(features(points))) sum[name] = (sum[name] ?? 0) + value / 4;
      expect(features(points)['rms']).toBeCloseTo(waveform.rms, 1);
    }
    return sum;
  }

  it('a worn outer race raises the BPFO amplitude and the kurtosis; the shaft line stays', () => {
    const healthy = pumpFeatures(quietPlant());
    const plant = quietPlant();
    plant.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5, location: 'outer' });
    const worn = pumpFeatures(plant);
    // This pump's BPFO (~149 Hz) lies 2 Hz from its 3× line, so the healthy reading is the 3× line.
    expect((worn['bpfo'] as number) / (healthy['bpfo'] as number)).toBeGreaterThan(5);
    expect((worn['1x'] as number) / (healthy['1x'] as number)).toBeGreaterThan(0.8);
    expect((worn['1x'] as number) / (healthy['1x'] as number)).toBeLessThan(1.25);
    expect(healthy['kurtosis']).toBeGreaterThan(2.5);
    expect(healthy['kurtosis']).toBeLessThan(3.5);
    expect(worn['kurtosis']).toBeGreaterThan(2 * (healthy['kurtosis'] as number));
    expect(worn['rms']).toBeGreaterThan(3 * (healthy['rms'] as number));
  });

  it('an inner-race defect shows at BPFI and a cage defect at FTF', () => {
    const healthy = pumpFeatures(quietPlant());
    const [inner, cage] = [quietPlant(), quietPlant()];
    inner.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5, location: 'inner' });
    cage.injectFault('cooling-pump', 'bearing-wear', { severity: 0.5, location: 'cage' });
    const [innerFeatures, cageFeatures] = [pumpFeatures(inner), pumpFeatures(cage)];
    expect((innerFeatures['bpfi'] as number) / (healthy['bpfi'] as number)).toBeGreaterThan(20);
    expect(innerFeatures['bpfi']).toBeGreaterThan(4 * (innerFeatures['bpfo'] as number));
    expect((cageFeatures['ftf'] as number) / (healthy['ftf'] as number)).toBeGreaterThan(10);
  });
});
