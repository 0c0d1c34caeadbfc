import { InputError } from '@shopfloor/model';

/** Reads a time query parameter: epoch milliseconds, an ISO 8601 instant, or relative (`-15m`, `-2h`, `-7d`, `now`). */
export function parseTime(name: string, raw: string | undefined, fallback: number, now: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'now') return now;
  if (/^\d+$/.test(raw)) return Number(raw);
  const relative = /^-(\d+)(ms|s|m|h|d)$/.exec(raw);
  if (relative !== null) {
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return now - Number(relative[1]) * unit;
  }
  const parsed = Date.parse(raw);
  if (Number.isNaN(parsed)) {
    throw new InputError('SF_TIME_RANGE_INVALID', `"${name}" must be epoch milliseconds, an ISO 8601 time or a relative time like -15m; got "${raw}"`);
  }
  return parsed;
}
