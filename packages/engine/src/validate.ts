import { describeTimestamp, maxTimestampMs, tagPathProblem, type Point, type Rejection, type SourceBinding } from '@shopfloor/model';
import type { PipelineConfig } from './config.ts';
import { valueFits, type TagDirectory } from './tag-directory.ts';

/** The rules every point passes whatever its source. Accepted points go to `accepted`. */
export function validatePoints(
  points: readonly Point[],
  directory: TagDirectory,
  config: PipelineConfig,
  now: number,
  accepted: Point[],
  rejected: Rejection[],
  source?: SourceBinding,
): void {
  const latestAllowed = now + config.maxFutureMs;
  for (const point of points) {
    const problem = checkPoint(point, directory, config, latestAllowed, source);
    if (problem === undefined) accepted.push(point);
    else rejected.push(problem);
  }
}

function checkPoint(
  point: Point,
  directory: TagDirectory,
  config: PipelineConfig,
  latestAllowed: number,
  source: SourceBinding | undefined,
): Rejection | undefined {
  const value = point.value;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { reason: 'not-finite', input: point.tag, detail: `tag "${point.tag}": value ${String(value)} is not a finite number`, count: 1 };
  }
  if (typeof value === 'string' && value.length > config.maxStringLength) {
    return {
      reason: 'wrong-type',
      input: point.tag,
      detail: `tag "${point.tag}": string value of ${value.length} characters is longer than ${config.maxStringLength}`,
      count: 1,
    };
  }
  if (!Number.isFinite(point.ts) || point.ts <= 0 || point.ts > maxTimestampMs) {
    return {
      reason: 'bad-timestamp',
      input: point.tag,
      detail: `tag "${point.tag}": timestamp ${String(point.ts)} is not a positive number of milliseconds since 1970`,
      count: 1,
    };
  }
  if (point.ts > latestAllowed) {
    return {
      reason: 'future-timestamp',
      input: point.tag,
      detail: `tag "${point.tag}": timestamp ${describeTimestamp(point.ts)} is more than ${config.maxFutureMs} ms ahead of the node clock`,
      count: 1,
    };
  }
  let dataType = directory.dataType(point.tag);
  if (dataType === undefined) {
    const problem = tagPathProblem(point.tag);
    if (problem !== undefined) return { reason: 'bad-topic', input: point.tag, detail: `tag path "${point.tag}" ${problem}`, count: 1 };
    if (config.unknownTags === 'refuse') {
      return {
        reason: 'unknown-tag',
        input: point.tag,
        detail: `tag "${point.tag}" is not registered and unknown tags are refused (pipeline.unknownTags: refuse)`,
        count: 1,
      };
    }
    dataType = directory.register(point, source);
  }
  if (!valueFits(dataType, value)) {
    return {
      reason: 'wrong-type',
      input: point.tag,
      detail: `tag "${point.tag}" holds ${dataType} values; got ${typeof value} ${JSON.stringify(value).slice(0, 60)}`,
      count: 1,
    };
  }
  return undefined;
}
