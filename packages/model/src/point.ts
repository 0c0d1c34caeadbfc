import type { TagPath } from './tag-path.ts';

export const qualities = ['good', 'uncertain', 'bad'] as const;
export type Quality = (typeof qualities)[number];

/** A sample value. Numbers are finite; booleans and strings are stored as such. */
export type PointValue = number | boolean | string;

/** One sample of one tag. `ts` is milliseconds since the Unix epoch (UTC). */
export interface Point {
  readonly tag: TagPath;
  readonly ts: number;
  readonly value: PointValue;
  readonly quality: Quality;
}

export function isQuality(value: unknown): value is Quality {
  return value === 'good' || value === 'uncertain' || value === 'bad';
}

/** The latest instant a JavaScript Date can hold (+275760-09-13); later timestamps are refused. */
export const maxTimestampMs = 8.64e15;

/** An ISO rendering of a timestamp for messages, safe for any number. */
export function describeTimestamp(ts: number): string {
  return Number.isFinite(ts) && Math.abs(ts) <= maxTimestampMs ? new Date(ts).toISOString() : String(ts);
}
