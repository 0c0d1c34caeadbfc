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

  it('refuses a batch naming the tag, and leaves the catalog as it was', () => {
    const catalog = new SeriesCatalog([{ id: 1, path: 'a/known', kind: 'number' }]);
    expect(() => encodeBatch([point('a/new', 1, 1), point('a/known', 1, false)], catalog, 1)).toThrow(/tag "a\/known" stores number values; got boolean false/);
    expect(() => encodeBatch([point('a/new', 1, 1), point('a/known', Number.NaN, 1)], catalog, 2)).toThrow(/timestamp NaN/);
    expect(() => encodeBatch([{ ...point('a/known', 1, 1), quality: 'fine' as Point['quality'] }], catalog, 3)).toThrow(/quality "fine"/);
    expect(catalog.get('a/new')).toBeUndefined();
    expect(encodeBatch([point('a/new', 1, 1)], catalog, 4).newSeries).toEqual([{ id: 2, path: 'a/new', kind: 'number' }]);
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
