import { describe, expect, it } from 'vitest';
import { tagSegmentOf } from './tag-segment.ts';

describe('tagSegmentOf', () => {
  it('keeps allowed characters and replaces every other with _', () => {
    expect(tagSegmentOf('belt-speed')).toEqual({ segment: 'belt-speed' });
    expect(tagSegmentOf('Motor.1:Speed_rpm')).toEqual({ segment: 'Motor.1:Speed_rpm' });
    expect(tagSegmentOf('Oil Temp/°C')).toEqual({ segment: 'Oil_Temp__C' });
    expect(tagSegmentOf('Druck+#')).toEqual({ segment: 'Druck__' });
  });

  it('says why an empty or too long name cannot be a segment', () => {
    expect(tagSegmentOf('')).toEqual({ problem: 'the browse name is empty' });
    expect(tagSegmentOf('x'.repeat(64))).toEqual({ segment: 'x'.repeat(64) });
    expect(tagSegmentOf('x'.repeat(65))).toEqual({ problem: 'the browse name is 65 characters long (a tag segment holds at most 64)' });
  });
});
