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
}

export const sparkplugHostDefaults = {
  rebirthDebounceMs: 5_000,
  rebirthTimeoutMs: 30_000,
} as const;
