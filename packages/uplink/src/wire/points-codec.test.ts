import fc from 'fast-check';
import type { Point, Quality } from '@shopfloor/model';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './bytes.ts';
import { decodeMessage, encodeMessage, markHistorical } from './message.ts';
import { columnsToPoints, compactColumns, deserializeColumns, serializeColumns, TagCatalog, type PointColumns } from './point-columns.ts';
import { decodePointsBody, encodePointsBody } from './points-codec.ts';

const quality = fc.constantFrom<Quality>('good', 'good', 'good', 'uncertain', 'bad');
const value = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100),
  fc.float({ noNaN: true }).map((n) => n),
  fc.boolean(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(0, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, -(2 ** 60), 0.1 + 0.2),
);
// A timestamp is an instant: -0 and 0 ms are the same one, and the delta-encoded column keeps it as 0.
const ts = fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.double({ min: -1e15, max: 1e15, noNaN: true })).map((value) => (Object.is(value, -0) ? 0 : value));
const point = fc.record({ tag: fc.constantFrom('a/b', 'a/c', 'line/ä/t1', 'x/y/z'), ts, value, quality });

function columnsOf(points: readonly Point[]): PointColumns {
  const catalog = new TagCatalog();
  const { columns, newTags } = catalog.encode(points);
  return compactColumns({ ...columns, tags: [] }, 0, points.length, newTags);
}

/** Points grouped by tag, each tag in its original order: what the body keeps. */
function byTag(points: readonly Point[]): Map<string, Point[]> {
  const groups = new Map<string, Point[]>();
  for (const each of points) groups.set(each.tag, [...(groups.get(each.tag) ?? []), each]);
  return groups;
}

describe('points body codec', () => {
  it('round-trips any points exactly, each tag in order (values bit for bit, -0 included)', () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 5 }), (points, cut) => {
        const columns = columnsOf(points);
        const split = Math.min(cut * 10, points.length);
        const body = encodePointsBody(
          [
            { columns, start: 0, end: split },
            { columns, start: split, end: points.length },
          ],
          new ByteWriter(16),
        );
        const decoded = decodePointsBody(body.slice(), points.length);
        const expected = byTag(points);
        const actual = byTag(decoded);
        expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [tag, list] of expected) {
          const got = actual.get(tag) ?? [];
          expect(got.length).toBe(list.length);
          list.forEach((want, index) => {
            const have = got[index] as Point;
            expect(Object.is(have.value, want.value) && Object.is(have.ts, want.ts) && have.quality === want.quality).toBe(true);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('journal rows round-trip (strings, a slice of a batch)', () => {
    const points: Point[] = [
      { tag: 'a/b', ts: 1, value: 'x', quality: 'good' },
      { tag: 'a/c', ts: 2, value: true, quality: 'bad' },
      { tag: 'a/b', ts: 3, value: 'yz', quality: 'uncertain' },
      { tag: 'a/d', ts: 4, value: 1.5, quality: 'good' },
    ];
    const columns = columnsOf(points);
    const slice = compactColumns(columns, 1, 3);
    expect(slice.tags).toEqual(['a/c', 'a/b']);
    expect(columnsToPoints(deserializeColumns(serializeColumns(slice)))).toEqual(points.slice(1, 3));
  });

  it('refuses truncated and inflated bodies', () => {
    const points: Point[] = Array.from({ length: 50 }, (_, index) => ({
      tag: `t/${index % 5}`,
      ts: 1_700_000_000_000 + index * 1000,
      value: index / 10,
      quality: 'good',
    }));
    const body = encodePointsBody([{ columns: columnsOf(points), start: 0, end: points.length }], new ByteWriter()).slice();
    expect(() => decodePointsBody(body.subarray(0, body.length - 3), 50)).toThrow(RangeError);
    expect(() => decodePointsBody(body, 49)).toThrow(/more points|announces/);
    const header = { edgeId: 'edge-1', stream: '0123456789abcdef', seq: 7, created: 1, klass: 'raw', kind: 'points', count: 50 } as const;
    const message = encodeMessage(header, body, 1);
    markHistorical(message, true);
    const decoded = decodeMessage(message, 1 << 20);
    expect({ ...decoded, body: undefined }).toEqual({ ...header, historical: true, body: undefined });
    expect(decodePointsBody(decoded.body, 50)).toHaveLength(50);
    expect(() => decodeMessage(message, 10)).toThrow(/over the limit/);
    const wrongVersion = Buffer.from(message);
    wrongVersion[3] = 9;
    expect(() => decodeMessage(wrongVersion, 1 << 20)).toThrow(/version 9/);
  });

  it('packs 1 Hz slow floats and counters into a few bytes per point', () => {
    const points: Point[] = [];
    for (let second = 0; second < 10; second++) {
      for (let tag = 0; tag < 200; tag++) {
        points.push({
          tag: `plant/line1/m${tag}/temp`,
          ts: 1_700_000_000_000 + second * 1000,
          value: Math.round((70 + tag / 10 + second * 0.01) * 100) / 100,
          quality: 'good',
        });
      }
    }
    const body = encodePointsBody([{ columns: columnsOf(points), start: 0, end: points.length }], new ByteWriter());
    const message = encodeMessage({ edgeId: 'e', stream: '0123456789abcdef', seq: 1, created: 0, klass: 'raw', kind: 'points', count: points.length }, body, 1);
    expect(message.length / points.length).toBeLessThan(4);
  });
});
