import type { FaultKind } from '../plant-api.ts';
import type { FaultEffects } from '../machines/machine-core.ts';

/** Faults of the machine itself: they change its physics and may run to failure. */
export const physicalFaults: ReadonlySet<FaultKind> = new Set(['bearing-wear', 'imbalance', 'misalignment', 'cavitation', 'overheating']);
/** Faults of one sensor: the tag lies, the machine is fine. */
export const sensorFaults: ReadonlySet<FaultKind> = new Set(['sensor-drift', 'stuck-sensor']);

/** Which effect a physical fault drives. */
export const effectOf: Readonly<Partial<Record<FaultKind, Exclude<keyof FaultEffects, 'wearAt'>>>> = {
  'bearing-wear': 'wear',
  imbalance: 'imbalance',
  misalignment: 'misalignment',
  cavitation: 'cavitation',
  overheating: 'overheating',
};

/** Drift of a sensor at severity 1: this share of the tag's span per hour. */
export const driftSpanPerHour = 0.05;

/**
 * Severity of a progressive fault: from its start severity to 1 at failure, accelerating (the
 * square of elapsed time over time to failure), as wear does once it has begun.
 */
export function progressiveSeverity(startSeverity: number, startedAt: number, failureAt: number, at: number): number {
  if (at >= failureAt) return 1;
  const progress = Math.max(0, (at - startedAt) / (failureAt - startedAt));
  return startSeverity + (1 - startSeverity) * progress * progress;
}
