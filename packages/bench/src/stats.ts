/** Small statistics and formatting helpers shared by the benchmarks. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values (NaN when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** 61234 → "61,234"; 1234567 → "1,234,567". */
export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
}

/** Fixed decimals, "—" for NaN. */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** Milliseconds with precision that suits the size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value < 1 ? `${value.toFixed(3)} ms` : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`;
}

export function ratio(ours: number, raw: number): string {
  return Number.isFinite(ours) && Number.isFinite(raw) && raw > 0 ? `${(ours / raw).toFixed(2)}×` : '—';
}

/** A ratio already computed (e.g. the median of per-run ratios). */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Wall clock in ms with sub-ms resolution. */
export function now(): number {
  return performance.now();
}
