import type { Point } from './point.ts';

/** Why a point (or a whole payload) was refused. `docs/metrics.md` lists them as label values. */
export const rejectReasons = [
  'malformed-json',
  'malformed-payload',
  'wrong-type',
  'not-finite',
  'future-timestamp',
  'bad-timestamp',
  'bad-quality',
  'oversize-payload',
  'bad-topic',
  'unknown-tag',
  'unknown-alias',
  'data-before-birth',
  'stale-session',
] as const;
export type RejectReason = (typeof rejectReasons)[number];

export interface Rejection {
  readonly reason: RejectReason;
  /** Where the bad input was: `topic`, `topic[index]` or a tag path. */
  readonly input: string;
  /** What was wrong, in words a plant engineer can act on. */
  readonly detail: string;
  /** How many points this rejection stands for (1 unless a whole payload was refused). */
  readonly count: number;
}

/** What a decoder made of one payload: for any payload, accepted + rejected = what came in. */
export interface Decoded {
  readonly accepted: Point[];
  readonly rejected: Rejection[];
}
