import type { TimeWindow } from '@shopfloor/engine';
import { InputError, type TagPath } from '@shopfloor/model';
import type { SeriesEntry } from './series-catalog.ts';

/** Checks of read arguments, each throwing an InputError that names the tag and the argument. */
export function checkWindow(tag: TagPath, window: TimeWindow): void {
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to) || window.from > window.to) {
    throw new InputError(
      'SF_TIME_RANGE_INVALID',
      `tag "${tag}": time window from ${String(window.from)} to ${String(window.to)} is not a finite range with from <= to`,
    );
  }
}

export function checkLimit(tag: TagPath, limit: number): void {
  if (!(limit >= 0)) throw new InputError('SF_BAD_REQUEST', `range of tag "${tag}": limit ${String(limit)} is not a non-negative number`);
}

export function checkBuckets(tag: TagPath, buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1)
    throw new InputError('SF_BAD_REQUEST', `downsample of tag "${tag}": buckets ${String(buckets)} is not a positive integer`);
}

export function checkWindowMs(tag: TagPath, windowMs: number): void {
  if (!(windowMs > 0) || !Number.isFinite(windowMs))
    throw new InputError('SF_BAD_REQUEST', `aggregate of tag "${tag}": windowMs ${String(windowMs)} is not a positive number`);
}

/** The entry of a tag that may be bucketed: numeric or boolean (undefined when the tag has no points). */
export function bucketableEntry(entry: SeriesEntry | undefined, tag: TagPath, operation: 'downsample' | 'aggregate'): SeriesEntry | undefined {
  if (entry?.kind === 'string') {
    throw new InputError('SF_BAD_REQUEST', `${operation} of tag "${tag}": the tag holds strings; only numeric and boolean tags can be bucketed`);
  }
  return entry;
}
