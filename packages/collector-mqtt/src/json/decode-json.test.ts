import { describe, expect, it } from 'vitest';
import { decodeJsonPayload } from './decode-json.ts';

const now = 1_764_028_800_000;
const options = { maxPayloadBytes: 1_024 };
const decode = (topic: string, body: string) => decodeJsonPayload(topic, Buffer.from(body), now, options);

describe('decodeJsonPayload', () => {
  it('reads a bare value as a point of the topic at the time of receipt', () => {
    expect(decode('acme/p1/oven/temp', '21.5')).toEqual({ accepted: [{ tag: 'acme/p1/oven/temp', ts: now, value: 21.5, quality: 'good' }], rejected: [] });
    expect(decode('acme/p1/oven/on', 'true').accepted[0]?.value).toBe(true);
    expect(decode('acme/p1/oven/state', '"RUNNING"').accepted[0]?.value).toBe('RUNNING');
  });

  it('reads the single-value object with ISO or epoch timestamps and quality', () => {
    expect(decode('acme/p1/oven/temp', '{"value": 3, "ts": "2026-11-25T00:00:00Z", "quality": "uncertain"}')).toEqual({
      accepted: [{ tag: 'acme/p1/oven/temp', ts: Date.parse('2026-11-25T00:00:00Z'), value: 3, quality: 'uncertain' }],
      rejected: [],
    });
  });

  it('reads a points batch with relative tags and keeps the good entries when some are bad', () => {
    const body = JSON.stringify({
      points: [
        { tag: 'a', ts: 1, value: 1 },
        { tag: 'b', ts: 2, value: { nested: 1 } },
        { ts: 3, value: 3 },
        'junk',
        { tag: 'c', ts: 4, value: 4, quality: 'meh' },
      ],
    });
    expect(decode('acme/p1/line1', body)).toEqual({
      accepted: [
        { tag: 'acme/p1/line1/a', ts: 1, value: 1, quality: 'good' },
        { tag: 'acme/p1/line1', ts: 3, value: 3, quality: 'good' },
      ],
      rejected: [
        { reason: 'wrong-type', input: 'acme/p1/line1[1]', detail: 'acme/p1/line1[1]: "value" must be a number, boolean or string; got an object', count: 1 },
        { reason: 'wrong-type', input: 'acme/p1/line1[3]', detail: 'acme/p1/line1[3]: each entry of "points" must be an object; got string "junk"', count: 1 },
        { reason: 'bad-quality', input: 'acme/p1/line1[4]', detail: 'acme/p1/line1[4]: "quality" must be good, uncertain or bad; got "meh"', count: 1 },
      ],
    });
  });

  it('reads a values map sharing one timestamp', () => {
    expect(decode('acme/p1/press1', '{"ts": 5, "values": {"temp": 40.5, "running": true}}').accepted).toEqual([
      { tag: 'acme/p1/press1/temp', ts: 5, value: 40.5, quality: 'good' },
      { tag: 'acme/p1/press1/running', ts: 5, value: true, quality: 'good' },
    ]);
  });

  it('refuses a whole payload that does not parse, is too large, or has a bad topic, as one rejection', () => {
    expect(decode('acme/p1/x', '{"value": ').rejected.map((rejection) => [rejection.reason, rejection.count])).toEqual([['malformed-json', 1]]);
    expect(decode('acme/p1/x', `{"value": "${'x'.repeat(2_000)}"}`).rejected.map((rejection) => rejection.reason)).toEqual(['oversize-payload']);
    expect(decode('acme//x', '1').rejected.map((rejection) => rejection.reason)).toEqual(['bad-topic']);
    expect(decode('lonely', '1').rejected.map((rejection) => rejection.reason)).toEqual(['bad-topic']);
  });

  it('counts every value of a values map refused for a bad shared timestamp', () => {
    expect(decode('acme/p1/press1', '{"ts": "yesterday", "values": {"a": 1, "b": 2, "c": 3}}').rejected).toEqual([
      { reason: 'bad-timestamp', input: 'acme/p1/press1', detail: '"ts" must be epoch milliseconds or an ISO 8601 string; got "yesterday"', count: 3 },
    ]);
  });

  it('passes huge numbers through as Infinity for the pipeline to refuse as not finite', () => {
    expect(decode('acme/p1/x', '1e999').accepted[0]?.value).toBe(Infinity);
  });
});
