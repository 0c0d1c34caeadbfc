import type { SimTag } from '@shopfloor/simulator';

/** Tags of one publishing group (a machine or a line) that share a rate. */
export interface RateClass {
  readonly periodMs: number;
  /** Indexes into `plant.tags`, in the order they are published. */
  readonly tags: readonly number[];
  /** The next simulated time at which the class is due; `-Infinity` until the first tick. */
  nextDueMs: number;
}

/**
 * Splits a group's tags into rate classes. Each class is due on the grid of its period in simulated
 * time (a 1 Hz tag at every whole second), so a given seed and tick sequence publish the same samples.
 */
export function rateClasses(tags: readonly SimTag[], indexes: readonly number[]): RateClass[] {
  const byPeriod = new Map<number, number[]>();
  for (const index of indexes) {
    const tag = tags[index] as SimTag;
    // A tag without a positive rate is published every tick.
    const periodMs = tag.rateHz > 0 ? 1_000 / tag.rateHz : 0;
    let list = byPeriod.get(periodMs);
    if (list === undefined) byPeriod.set(periodMs, (list = []));
    list.push(index);
  }
  return [...byPeriod.entries()].sort(([a], [b]) => a - b).map(([periodMs, list]) => ({ periodMs, tags: list, nextDueMs: -Infinity }));
}

export function isDue(rateClass: RateClass, simTimeMs: number): boolean {
  return simTimeMs >= rateClass.nextDueMs;
}

/**
 * Moves a class past `simTimeMs` to the next point of its grid. A tag faster than the ticks is
 * published once per tick (its latest sample); a time jump skips the grid points in between.
 */
export function markPublished(rateClass: RateClass, simTimeMs: number): void {
  const periodMs = rateClass.periodMs;
  rateClass.nextDueMs = periodMs > 0 ? (Math.floor(simTimeMs / periodMs) + 1) * periodMs : simTimeMs + 0.001;
}
