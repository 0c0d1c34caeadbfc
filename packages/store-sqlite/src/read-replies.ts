import type { Point, PointValue, Quality, TagPath } from '@shopfloor/model';
import type { SeriesCatalog } from './series-catalog.ts';
import type { LatestReply, ReadColumns, SeriesKind } from './worker-protocol.ts';

const qualityNames: readonly Quality[] = ['good', 'uncertain', 'bad'];

function valueOf(kind: SeriesKind, value: number, text: string | undefined): PointValue {
  if (kind === 'boolean') return value !== 0;
  if (kind === 'string') return text ?? '';
  return value;
}

/** Points of one tag from the columns the worker sent back. */
export function pointsFromColumns(tag: TagPath, kind: SeriesKind, columns: ReadColumns): Point[] {
  const points: Point[] = new Array<Point>(columns.ts.length);
  for (let index = 0; index < columns.ts.length; index++) {
    points[index] = {
      tag,
      ts: columns.ts[index] as number,
      value: valueOf(kind, columns.values[index] as number, columns.texts?.[index]),
      quality: qualityNames[columns.quality[index] as number] ?? 'bad',
    };
  }
  return points;
}

/** The latest points keyed by tag; `pathOf` maps the series ids the request asked for. */
export function latestFromReply(reply: LatestReply, pathOf: ReadonlyMap<number, TagPath>, catalog: SeriesCatalog): Map<TagPath, Point> {
  const latest = new Map<TagPath, Point>();
  for (let index = 0; index < reply.series.length; index++) {
    const tag = pathOf.get(reply.series[index] as number);
    const entry = tag === undefined ? undefined : catalog.get(tag);
    if (tag === undefined || entry === undefined) continue;
    latest.set(tag, {
      tag,
      ts: reply.ts[index] as number,
      value: valueOf(entry.kind, reply.values[index] as number, reply.texts[index]),
      quality: qualityNames[reply.quality[index] as number] ?? 'bad',
    });
  }
  return latest;
}
