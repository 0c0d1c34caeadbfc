import type { Point } from '@shopfloor/model';
import { describe, expect, it } from 'vitest';
import { encodeBatch, joinBatches } from './batch-encoder.ts';
import { SeriesCatalog } from './series-catalog.ts';

const point = (tag: string, ts: number, value: Point['value'], quality: Point['quality'] = 'good'): Point => ({ tag, ts, value, quality });

describe('encodeBatch', () => {
  it('assigns ids to new tags and counts each (tag, ts) once', () => {
    const catalog = new SeriesCatalog([{ id: 4, path: 'a/known', kind: 'number' }]);
    const encoded = encodeBatch(
      [point('a/known', 1, 1), point('a/new', 1, 'x', 'bad'), point('a/known', 2, 2), point('a/known', 1, 3), point('a/flag', 1, true, 'uncertain')],
      catalog,
      1,
    );
    expect(encoded.stored).toBe(4);
    expect(encoded.newSeries).toEqual([
      { id: 5, path: 'a/new', kind: 'string' },
      { id: 6, path: 'a/flag', kind: 'boolean' },
    ]);
    expect({
      ...encoded.columns,
      series: [...encoded.columns.series],
      ts: [...encoded.columns.ts],
      values: [...encoded.columns.values],
      quality: [...encoded.columns.quality],
    }).toEqual({
      series: [4, 5, 4, 4, 6],
      ts: [1, 1, 2, 1, 1],
      values: [1, 0, 2, 3, 1],
      quality: [0, 2, 0, 0, 1],
      texts: ['x'],
    });
    expect(catalog.get('a/flag')?.id).toBe(6);
  });

  it('skips bad points and reports them, encoding the rest; a new tag takes its kind from its first accepted point', () => {
    const catalog = new SeriesCatalog([{ id: 1, path: 'a/known', kind: 'number' }]);
    const encoded = encodeBatch(
      [
        point('a/new', 1, Number.NaN),
        point('a/known', 1, false),
        point('a/new', 2, 'text'),
        point('a/known', Number.NaN, 1),
        { ...point('a/known', 3, 1), quality: 'fine' as Point['quality'] },
        point('a/known', 9e15, 1),
        point('a/new', 3, 5),
        point('a/known', 4, 4),
        point('a/known', 4, 5),
        point('a/lost', 1, Number.POSITIVE_INFINITY),
      ],
      catalog,
      1,
    );
    expect(encoded.rejected).toEqual([
      { tag: 'a/new', ts: 1, reason: 'not-finite', detail: 'tag "a/new": value NaN is not a finite number' },
      { tag: 'a/known', ts: 1, reason: 'wrong-type', detail: 'tag "a/known": holds number values; got boolean false' },
      { tag: 'a/known', ts: Number.NaN, reason: 'bad-timestamp', detail: 'tag "a/known": timestamp NaN is not a finite number of milliseconds' },
      { tag: 'a/known', ts: 3, reason: 'bad-quality', detail: 'tag "a/known": quality "fine" is not good, uncertain or bad' },
      { tag: 'a/known', ts: 9e15, reason: 'bad-timestamp', detail: expect.stringContaining('outside the range of a date') as unknown },
      { tag: 'a/new', ts: 3, reason: 'wrong-type', detail: 'tag "a/new": holds string values; got number 5' },
      { tag: 'a/lost', ts: 1, reason: 'not-finite', detail: 'tag "a/lost": value Infinity is not a finite number' },
    ]);
    expect(encoded.stored).toBe(2);
    expect(encoded.newSeries).toEqual([{ id: 2, path: 'a/new', kind: 'string' }]);
    expect({ series: [...encoded.columns.series], ts: [...encoded.columns.ts], values: [...encoded.columns.values], texts: encoded.columns.texts }).toEqual({
      series: [2, 1, 1],
      ts: [2, 4, 4],
      values: [0, 4, 5],
      texts: ['text'],
    });
    expect(encoded.textPoints).toEqual([0]);
    expect(catalog.get('a/lost')).toBeUndefined();
  });

  it('reports what is not a point or has no tag path instead of throwing', () => {
    const catalog = new SeriesCatalog([]);
    const encoded = encodeBatch(
      [null as unknown as Point, point('', 1, 1), point('a/b', 1, { x: 1 } as unknown as Point['value']), point('a/c', 1, 1)],
      catalog,
      1,
    );
    expect(encoded.rejected.map(({ reason, detail }) => [reason, detail])).toEqual([
      ['wrong-type', 'point 0 of the batch is object null, not a point'],
      ['wrong-type', 'point 1 of the batch: tag "" is not a tag path'],
      ['wrong-type', 'tag "a/b": value object {"x":1} is not a number, boolean or string'],
    ]);
    expect(encoded.stored).toBe(1);
    expect(encoded.newSeries).toEqual([{ id: 1, path: 'a/c', kind: 'number' }]);
  });

  it('cuts long values in details', () => {
    const catalog = new SeriesCatalog([{ id: 1, path: 'a/n', kind: 'number' }]);
    const [rejection] = encodeBatch([point('a/n', 1, 'x'.repeat(10_000))], catalog, 1).rejected;
    expect(rejection?.detail.length).toBeLessThan(150);
  });
});

describe('joinBatches', () => {
  it('concatenates columns and re-points string values at the joined texts', () => {
    const catalog = new SeriesCatalog([]);
    const first = encodeBatch([point('a/s', 1, 'one'), point('a/n', 1, 10)], catalog, 1);
    const second = encodeBatch([point('a/n', 2, 20), point('a/s', 2, 'two'), point('a/s', 3, 'three')], catalog, 2);
    const joined = joinBatches([first, second]);
    expect({ series: [...joined.series], values: [...joined.values], texts: joined.texts }).toEqual({
      series: [1, 2, 2, 1, 1],
      values: [0, 10, 20, 1, 2],
      texts: ['one', 'two', 'three'],
    });
  });
});
