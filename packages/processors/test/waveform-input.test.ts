import { describe, expect, it } from 'vitest';
import { createWaveformRouter, waveformInputProblems } from '../src/index.ts';

function block(samples: number, body: Record<string, unknown> = {}): Buffer {
  const bytes = Buffer.alloc(samples * 4);
  for (let index = 0; index < samples; index++) bytes.writeFloatLE(2 * Math.sin((2 * Math.PI * 50 * index) / 25_600), index * 4);
  return Buffer.from(JSON.stringify({ ts: 1_000, sampleRateHz: 25_600, samples: bytes.toString('base64'), ...body }));
}

describe('waveform inputs', () => {
  const router = createWaveformRouter([{ topics: ['plant/+/pump/accel'], bands: [{ name: 'all', fromHz: 1, toHz: 12_800 }] }]);

  it('routes matching topics only and turns a block into features under the topic', () => {
    expect([router.matches('plant/l1/pump/accel'), router.matches('plant/l1/fan/accel'), router.matches('plant/l1/pump/accel/rms')]).toEqual([
      true,
      false,
      false,
    ]);
    const decoded = router.decode('plant/l1/pump/accel', block(4_096), 5_000);
    expect(decoded.rejected).toEqual([]);
    const byTag = new Map(decoded.accepted.map((point) => [point.tag, point]));
    expect(byTag.get('plant/l1/pump/accel/rms')?.value).toBeCloseTo(Math.SQRT2, 3);
    expect(byTag.get('plant/l1/pump/accel/crest')?.value).toBeCloseTo(Math.SQRT2, 2);
    expect(byTag.get('plant/l1/pump/accel/band_all')?.value).toBeCloseTo(Math.SQRT2, 2);
    expect(decoded.accepted.every((point) => point.ts === 1_000)).toBe(true);
  });

  it('refuses a bad block with one rejection that names the topic and the problem', () => {
    const refused = (payload: Buffer) => router.decode('plant/l1/pump/accel', payload, 5_000).rejected.map((rejection) => [rejection.reason, rejection.detail]);
    expect(refused(Buffer.from('not json'))[0]?.[1]).toMatch(/must be JSON/);
    expect(refused(block(1_000))[0]?.[1]).toMatch(/power of two/);
    expect(refused(block(4_096, { sampleRateHz: -1 }))[0]?.[1]).toMatch(/sampleRateHz/);
    expect(refused(block(4_096, { samples: 12 }))[0]).toEqual(['malformed-payload', '"samples" must be base64 of little-endian float32 samples']);
  });

  it('names problems of the configuration by key path', () => {
    expect(waveformInputProblems([{ topics: ['a/#/b'] }, { topics: ['x/y'], bands: [{ name: 'b', fromHz: 10, toHz: 5 }] }])).toEqual([
      expect.stringMatching(/^vibration\[0\]\.topics\[0\]: "a\/#\/b"/),
      'vibration[1].bands[0]: fromHz 10 is not below toHz 5',
    ]);
  });
});
