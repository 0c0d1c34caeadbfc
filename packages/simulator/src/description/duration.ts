const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationPattern = /^\+?(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** `"90s"`, `"+5m"`, `"1.5h"`, `"3d"` → milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/**
 * A point in time given as an ISO 8601 time or as `+<duration>` after `startMs`; undefined when
 * it is neither.
 */
export function parseInstant(text: string, startMs: number): number | undefined {
  if (text.trim().startsWith('+')) {
    const offset = parseDuration(text);
    return offset === undefined ? undefined : startMs + offset;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `3_600_000` → `"1h"`, for messages. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
