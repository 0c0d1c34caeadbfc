/** What every benchmark gets from run-all. */
export interface BenchContext {
  /** One short run, no warm-up: a smoke check, not a figure. */
  readonly quick: boolean;
  /** Measured runs (after one warm-up run unless quick). */
  readonly runs: number;
  /** Node processes write CPU profiles here (`--profile`). */
  readonly profileDir: string | undefined;
  log(line: string): void;
}

/** Run indexes: 0 is the warm-up (skipped when quick), then 1..runs. */
export function runIndexes(context: BenchContext): number[] {
  const first = context.quick ? 1 : 0;
  return Array.from({ length: context.runs + 1 - first }, (_, index) => index + first);
}

export function runLabel(context: BenchContext, index: number): string {
  return index === 0 ? 'warm-up' : `run ${index}/${context.runs}`;
}
