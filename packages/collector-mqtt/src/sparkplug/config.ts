import { InputError, tagSegmentPattern } from '@shopfloor/model';
import { topicLevelProblem } from './topic.ts';

export interface SparkplugHostConfig {
  /** The Sparkplug Host ID; names the STATE topic `spBv1.0/STATE/<hostId>`. No `/`, `+` or `#`. */
  readonly hostId: string;
  /** Groups whose messages are taken; messages of other groups are ignored. All groups when absent. */
  readonly groupFilter?: readonly string[];
  /** At most one Rebirth request per edge node in this window. */
  readonly rebirthDebounceMs?: number;
  /** A Rebirth request still unanswered by an NBIRTH after this long may be repeated (lost command, deaf node). */
  readonly rebirthTimeoutMs?: number;
  /** Tag path segments put before `<group>/<edgeNode>/...`, e.g. `acme/plant1`. */
  readonly tagPrefix?: string;
  /**
   * At most this many edge nodes are tracked (a session each, created by NBIRTH only). Beyond it, the
   * NBIRTH of a new edge node and its later messages are refused, and a warning is logged.
   */
  readonly maxEdgeNodes?: number;
}

export const sparkplugHostDefaults = {
  rebirthDebounceMs: 5_000,
  rebirthTimeoutMs: 30_000,
  maxEdgeNodes: 10_000,
} as const;

/** Throws an `InputError` (`SF_CONFIG_INVALID`) naming the first bad key; the runtime's schema should catch these first. */
export function checkSparkplugHostConfig(config: SparkplugHostConfig): void {
  const hostProblem = topicLevelProblem(config.hostId);
  if (hostProblem !== undefined) throw new InputError('SF_CONFIG_INVALID', `sparkplug hostId ${hostProblem}`);
  for (const group of config.groupFilter ?? []) {
    const problem = topicLevelProblem(group);
    if (problem !== undefined) throw new InputError('SF_CONFIG_INVALID', `sparkplug groupFilter entry ${problem}`);
  }
  const badSegment = config.tagPrefix?.split('/').find((segment) => !tagSegmentPattern.test(segment));
  if (badSegment !== undefined) {
    throw new InputError(
      'SF_CONFIG_INVALID',
      `sparkplug tagPrefix "${config.tagPrefix}": segment "${badSegment}" may only hold 1-64 letters, digits, "_", "-", "." and ":"`,
    );
  }
  for (const key of ['rebirthDebounceMs', 'rebirthTimeoutMs'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new InputError('SF_CONFIG_INVALID', `sparkplug ${key} ${value} is not a number of milliseconds ≥ 0`);
    }
  }
  const maxEdgeNodes = config.maxEdgeNodes;
  if (maxEdgeNodes !== undefined && !(Number.isInteger(maxEdgeNodes) && maxEdgeNodes >= 1)) {
    throw new InputError('SF_CONFIG_INVALID', `sparkplug maxEdgeNodes ${maxEdgeNodes} is not an integer ≥ 1`);
  }
}
