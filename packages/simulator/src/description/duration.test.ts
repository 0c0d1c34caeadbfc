import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseInstant } from './duration.ts';

describe('durations and instants', () => {
  it('reads durations with units, with or without +', () => {
    expect(['250ms', '90s', '+5m', '1.5h', '3d', '5', 'm5', ''].map(parseDuration)).toEqual([
      250,
      90_000,
      300_000,
      5_400_000,
      259_200_000,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads ISO times and offsets from the start', () => {
    const start = Date.parse('2025-01-06T06:00:00Z');
    expect([parseInstant('+2m', start), parseInstant('2025-01-06T07:00:00Z', start), parseInstant('tomorrow', start)]).toEqual([
      start + 120_000,
      start + 3_600_000,
      undefined,
    ]);
  });

  it('formats whole units', () => {
    expect([formatDuration(86_400_000), formatDuration(90_000), formatDuration(1_500)]).toEqual(['1d', '90s', '1500ms']);
  });
});
