import { describe, expect, it } from 'vitest';
import { formatRecordingRow, parseRecordingCsv } from './recording-csv.ts';

describe('parseRecordingCsv', () => {
  it('reads numbers, booleans, quoted text, ISO times and an optional quality', () => {
    const text = [
      'tag,timestamp,value,quality',
      'a/b/temp,1000,21.5',
      'a/b/run,2025-01-06T06:00:00Z,true,uncertain',
      `a/b/state,2000,"idle, ""waiting"""`,
      'a/b/code,3000,"42"',
    ].join('\n');
    expect(parseRecordingCsv(text, 'rec.csv')).toEqual([
      { tag: 'a/b/temp', ts: 1000, value: 21.5, quality: 'good' },
      { tag: 'a/b/run', ts: Date.parse('2025-01-06T06:00:00Z'), value: true, quality: 'uncertain' },
      { tag: 'a/b/state', ts: 2000, value: 'idle, "waiting"', quality: 'good' },
      { tag: 'a/b/code', ts: 3000, value: '42', quality: 'good' },
    ]);
  });

  it('names every bad row by line and column', () => {
    const text = ['a/b/temp,1000,1', 'bad tag,1000,1', 'a/b/temp,yesterday,1', 'a/b/temp,1000', 'a/b/temp,1000,1,great'].join('\n');
    expect(() => parseRecordingCsv(text, 'rec.csv')).toThrow(
      'recording is invalid:\n' +
        'rec.csv: line 2.tag: expected a tag path, found "bad tag", which has 1 segment (at least 2, e.g. "line1/temperature")\n' +
        'rec.csv: line 3.timestamp: expected epoch milliseconds or an ISO 8601 time, found "yesterday"\n' +
        'rec.csv: line 4: expected tag,timestamp,value[,quality], found 2 fields\n' +
        'rec.csv: line 5.quality: expected good, uncertain or bad, found "great"',
    );
  });

  it('round-trips what formatRecordingRow writes', () => {
    const row = formatRecordingRow('a/b/program', 5, 'O1001 "rev, 2"');
    expect(parseRecordingCsv(row, 'x')).toEqual([{ tag: 'a/b/program', ts: 5, value: 'O1001 "rev, 2"', quality: 'good' }]);
  });
});
