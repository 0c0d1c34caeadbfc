/**
 * A tag is addressed by its unified-namespace path: `enterprise/site/area/line/cell/asset/tag`.
 * Segments are 1–64 characters of letters, digits, `_`, `-`, `.` and `:`; MQTT wildcards
 * (`+`, `#`), empty segments and a leading `$` are never part of a path.
 */
export type TagPath = string;

export const tagPathLimits = { minSegments: 2, maxSegments: 12, maxSegmentLength: 64, maxLength: 256 } as const;

/** One segment of a tag path. */
export const tagSegmentPattern = /^[A-Za-z0-9_\-.:]{1,64}$/;
const segmentPattern = tagSegmentPattern;

/** Returns undefined when `path` is a valid tag path, else what is wrong with it. */
export function tagPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > tagPathLimits.maxLength) return `is ${path.length} characters long (at most ${tagPathLimits.maxLength})`;
  const segments = path.split('/');
  if (segments.length < tagPathLimits.minSegments) return `has ${segments.length} segment (at least ${tagPathLimits.minSegments}, e.g. "line1/temperature")`;
  if (segments.length > tagPathLimits.maxSegments) return `has ${segments.length} segments (at most ${tagPathLimits.maxSegments})`;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string;
    if (!segmentPattern.test(segment)) {
      if (segment.length === 0) return `has an empty segment at position ${index + 1}`;
      if (segment.length > tagPathLimits.maxSegmentLength) return `segment ${index + 1} is longer than ${tagPathLimits.maxSegmentLength} characters`;
      return `segment ${index + 1} "${segment}" may only hold letters, digits, "_", "-", "." and ":"`;
    }
  }
  return undefined;
}

export function isTagPath(path: string): path is TagPath {
  return tagPathProblem(path) === undefined;
}

/**
 * Does `path` match the MQTT-style filter? `+` matches one segment, a trailing `#` matches
 * zero or more segments (so `a/#` matches `a` and `a/b/c`).
 */
export function matchesTagFilter(filter: string, path: string): boolean {
  if (filter === '#') return true;
  const filterSegments = filter.split('/');
  const pathSegments = path.split('/');
  for (let index = 0; index < filterSegments.length; index++) {
    const wanted = filterSegments[index];
    if (wanted === '#') return index === filterSegments.length - 1;
    const actual = pathSegments[index];
    if (actual === undefined) return false;
    if (wanted !== '+' && wanted !== actual) return false;
  }
  return filterSegments.length === pathSegments.length;
}

/** Returns undefined when `filter` is a valid tag filter (`+` and a trailing `#` allowed), else what is wrong. */
export function tagFilterProblem(filter: string): string | undefined {
  if (filter.length === 0) return 'is empty';
  if (filter.length > tagPathLimits.maxLength) return `is longer than ${tagPathLimits.maxLength} characters`;
  const segments = filter.split('/');
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string;
    if (segment === '+') continue;
    if (segment === '#') {
      if (index !== segments.length - 1) return '"#" may only be the last segment';
      continue;
    }
    if (!segmentPattern.test(segment)) return `segment ${index + 1} "${segment}" is not a valid path segment or wildcard`;
  }
  return undefined;
}
