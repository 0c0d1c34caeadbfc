import type { PointValue } from './point.ts';
import type { TagPath } from './tag-path.ts';

/** How urgent an alarm is, most urgent first. */
export const alarmPriorities = ['critical', 'high', 'medium', 'low'] as const;
export type AlarmPriority = (typeof alarmPriorities)[number];

/**
 * The four states of an alarm's own life cycle (ISA-18.2): the condition and whether an operator
 * has acknowledged it. `rtn-unacknowledged`: the condition has returned to normal, not yet acknowledged.
 */
export const alarmConditionStates = ['normal', 'active-unacknowledged', 'active-acknowledged', 'rtn-unacknowledged'] as const;
export type AlarmConditionState = (typeof alarmConditionStates)[number];

/**
 * The state an operator sees: the condition state, or one of the states that take an alarm out of
 * annunciation: shelved (by an operator, until a time), suppressed (by design or logic),
 * out-of-service. Out of service outranks suppressed, which outranks shelved; leaving all three
 * returns the alarm to its condition state, which kept following the process meanwhile.
 */
export const alarmStates = [...alarmConditionStates, 'shelved', 'suppressed', 'out-of-service'] as const;
export type AlarmState = (typeof alarmStates)[number];

export function isAlarmState(value: unknown): value is AlarmState {
  return typeof value === 'string' && (alarmStates as readonly string[]).includes(value);
}

export function isAlarmPriority(value: unknown): value is AlarmPriority {
  return typeof value === 'string' && (alarmPriorities as readonly string[]).includes(value);
}

/** An alarm is identified by (rule, tag); `asset` is the asset the tag belongs to, when known. */
export interface AlarmRef {
  readonly rule: string;
  readonly tag: TagPath;
  readonly asset?: string;
}

/** One transition of one alarm. `id` is unique across nodes: `<origin>:<seq>`. */
export interface AlarmEvent {
  readonly id: string;
  /** Increases by one per event of its origin. */
  readonly seq: number;
  readonly alarm: AlarmRef;
  /** When the transition happened (epoch ms): the point's time, a delay's end, or the operator's action. */
  readonly ts: number;
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly priority: AlarmPriority;
  /** The value that caused the transition, for transitions caused by data. */
  readonly value?: PointValue;
  readonly message: string;
  /** Who acted, for operator transitions (acknowledge, shelve, ...). */
  readonly user?: string;
  readonly comment?: string;
  /** For a transition into `shelved`: when the shelf expires. */
  readonly shelvedUntil?: number;
}

/** The current state of one alarm, as kept by the engine and persisted across restarts. */
export interface AlarmRecord {
  readonly alarm: AlarmRef;
  /** What the operator sees. */
  readonly state: AlarmState;
  /** The ISA-18.2 condition state underneath shelved, suppressed and out-of-service. */
  readonly condition: AlarmConditionState;
  readonly priority: AlarmPriority;
  readonly message: string;
  /** The value of the latest transition caused by data. */
  readonly value?: PointValue;
  /** When `state` last changed. */
  readonly since: number;
  /** When the condition last became active (while it is active or returned but unacknowledged). */
  readonly activeSince?: number;
  readonly acknowledged?: { readonly user: string; readonly ts: number; readonly comment?: string };
  readonly shelvedUntil?: number;
  readonly suppressed: boolean;
  readonly outOfService: boolean;
}

/** What an alarm store hands back at start: the current state of every alarm and the last event number. */
export interface AlarmSnapshot {
  readonly records: readonly AlarmRecord[];
  /** The highest `seq` persisted (0 when none). */
  readonly lastSeq: number;
}

/** Filter for current alarms. Without `state`, alarms in `normal` are left out. */
export interface AlarmListFilter {
  readonly state?: AlarmState;
  readonly priority?: AlarmPriority;
  /** Tags starting with this text. */
  readonly tagPrefix?: string;
}

/** Filter for alarm history: a half-open window `[from, to)` and optional tag, rule and target state. */
export interface AlarmHistoryQuery {
  readonly from?: number;
  readonly to?: number;
  /** Exactly this tag. */
  readonly tag?: TagPath;
  /** Tags starting with this text. */
  readonly tagPrefix?: string;
  readonly rule?: string;
  /** Transitions into this state. */
  readonly state?: AlarmState;
  /** At most this many events, the earliest first (default and cap set by the store). */
  readonly limit?: number;
}

const conditionSuccessors: Readonly<Record<AlarmConditionState, readonly AlarmConditionState[]>> = {
  normal: ['active-unacknowledged'],
  'active-unacknowledged': ['active-acknowledged', 'rtn-unacknowledged'],
  'active-acknowledged': ['normal'],
  'rtn-unacknowledged': ['normal', 'active-unacknowledged'],
};
const outOfAnnunciation: readonly AlarmState[] = ['shelved', 'suppressed', 'out-of-service'];

/**
 * Is `from → to` a transition ISA-18.2 allows? Condition states follow their cycle (activate,
 * acknowledge, return to normal); any state may go to and between shelved, suppressed and
 * out-of-service; those return to any condition state (the condition kept moving while hidden).
 */
export function isLegalAlarmTransition(from: AlarmState, to: AlarmState): boolean {
  if (from === to) return false;
  if (outOfAnnunciation.includes(to)) return true;
  if (outOfAnnunciation.includes(from)) return true;
  return conditionSuccessors[from as AlarmConditionState].includes(to as AlarmConditionState);
}
