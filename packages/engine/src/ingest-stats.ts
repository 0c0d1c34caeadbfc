import { rejectReasons, type RejectReason, type Rejection } from '@shopfloor/model';

/**
 * Counters of the data path. At all times: received + derived = stored + rejected + filtered + failed + pending.
 */
export class IngestStats {
  received = 0;
  /** Points processors created (aggregates, features, model outputs); they are stored, rejected, filtered or failed like any other. */
  derived = 0;
  stored = 0;
  /** Points processors dropped (deadband, rate limits, raw points an aggregate replaces). */
  filtered = 0;
  /** Points whose storage failed; their sources were not acknowledged, so they may come again. */
  failed = 0;
  pending = 0;
  batches = 0;
  /** When storing last failed (epoch ms), 0 if never. */
  lastFailureAt = 0;
  readonly rejected: Record<RejectReason, number> = Object.fromEntries(rejectReasons.map((reason) => [reason, 0])) as Record<RejectReason, number>;
  /** The most recent rejections, newest last, for people to see what was refused and why. */
  readonly recentRejections: (Rejection & { at: number })[] = [];

  rejectedTotal(): number {
    let total = 0;
    for (const reason of rejectReasons) total += this.rejected[reason];
    return total;
  }

  recordRejections(rejections: readonly Rejection[], at: number): void {
    for (const rejection of rejections) {
      this.rejected[rejection.reason] += rejection.count;
      this.recentRejections.push({ ...rejection, at });
    }
    if (this.recentRejections.length > 200) this.recentRejections.splice(0, this.recentRejections.length - 100);
  }
}
