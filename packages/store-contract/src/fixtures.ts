import type { Point, PointValue, Quality, TagPath } from '@shopfloor/model';

/** 2024-01-01T00:00:00Z: aligned to every minute, hour and day window the suites use. */
export const baseTs = Date.UTC(2024, 0, 1);

export function point(tag: TagPath, ts: number, value: PointValue, quality: Quality = 'good'): Point {
  return { tag, ts, value, quality };
}

export function byTs(left: Point, right: Point): number {
  return left.ts - right.ts;
}

export function byPath<T extends { readonly path: string }>(left: T, right: T): number {
  return left.path < right.path ? -1 : left.path > right.path ? 1 : 0;
}

/** A deterministic shuffle (so a failing order can be replayed). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
