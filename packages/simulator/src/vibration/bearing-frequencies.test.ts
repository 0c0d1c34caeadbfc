import { describe, expect, it } from 'vitest';
import { bearingFrequencies } from './bearing-frequencies.ts';

describe('bearingFrequencies', () => {
  it('gives the textbook defect frequencies of a 6205 bearing at 30 Hz', () => {
    // 9 balls, d = 7.94 mm, D = 39.04 mm, φ = 0: BPFO ≈ 3.585×, BPFI ≈ 5.415×, BSF ≈ 2.357×, FTF ≈ 0.398×.
    const frequencies = bearingFrequencies({ balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 }, 30);
    expect(frequencies.bpfoHz / 30).toBeCloseTo(3.585, 3);
    expect(frequencies.bpfiHz / 30).toBeCloseTo(5.415, 3);
    expect(frequencies.bsfHz / 30).toBeCloseTo(2.357, 3);
    expect(frequencies.ftfHz / 30).toBeCloseTo(0.398, 3);
    expect(frequencies.bpfoHz + frequencies.bpfiHz).toBeCloseTo(9 * 30, 9);
  });

  it('lowers d/D with the contact angle', () => {
    const straight = bearingFrequencies({ balls: 18, ballDiameterMm: 11.1, pitchDiameterMm: 92.5, contactAngleDeg: 0 }, 100);
    const angled = bearingFrequencies({ balls: 18, ballDiameterMm: 11.1, pitchDiameterMm: 92.5, contactAngleDeg: 25 }, 100);
    expect(angled.bpfoHz).toBeGreaterThan(straight.bpfoHz);
    expect(angled.bpfiHz).toBeLessThan(straight.bpfiHz);
  });
});
