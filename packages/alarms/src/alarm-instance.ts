import type { AlarmConditionState, AlarmRecord, AlarmRef, AlarmState, PointValue } from '@shopfloor/model';
import type { CompiledRule } from './compiled-rule.ts';

export function alarmKey(rule: string, tag: string): string {
  return `${rule}\n${tag}`;
}

/**
 * One alarm: a rule applied to one tag. Holds the evaluation state (hysteresis, pending delay,
 * rate window, last good arrival) and the ISA-18.2 state. Plain fields: the engine's hot loop
 * reads and writes them directly.
 */
export class AlarmInstance {
  readonly key: string;
  readonly ref: AlarmRef;
  readonly rule: CompiledRule;

  // Evaluation.
  /** The debounced condition: true while the alarm's condition is active. */
  active = false;
  /** The condition with hysteresis, before on/off delays. */
  raw = false;
  /** When `raw` started to differ from `active` (NaN: no transition pending). */
  pendingSince = Number.NaN;
  /** Time of the newest evaluated point: older points are history and change nothing. */
  lastTs = Number.NEGATIVE_INFINITY;
  lastValue: PointValue | undefined = undefined;
  /** Rate of change: the points of the window (times and values), oldest first, from `windowStart`. */
  windowTimes: number[] = [];
  windowValues: number[] = [];
  windowStart = 0;
  /** Stale: when the last good point arrived (node clock). */
  lastGoodArrival: number;

  // ISA-18.2.
  condition: AlarmConditionState = 'normal';
  state: AlarmState = 'normal';
  since: number;
  activeSince: number | undefined = undefined;
  acknowledged: { user: string; ts: number; comment?: string } | undefined = undefined;
  shelvedUntil: number | undefined = undefined;
  suppressed = false;
  outOfService = false;
  message: string;
  value: PointValue | undefined = undefined;

  constructor(rule: CompiledRule, tag: string, asset: string | undefined, now: number) {
    this.rule = rule;
    this.key = alarmKey(rule.id, tag);
    this.ref = asset === undefined ? { rule: rule.id, tag } : { rule: rule.id, tag, asset };
    this.lastGoodArrival = now;
    this.since = now;
    this.message = rule.message(tag, asset, undefined);
  }

  /** What the operator sees, from the condition and the flags (out of service > suppressed > shelved). */
  displayState(): AlarmState {
    if (this.outOfService) return 'out-of-service';
    if (this.suppressed) return 'suppressed';
    if (this.shelvedUntil !== undefined) return 'shelved';
    return this.condition;
  }

  /** Takes over a persisted state (after a restart): no event, the alarm simply is where it was. */
  restore(record: AlarmRecord): void {
    this.condition = record.condition;
    this.active = record.condition === 'active-unacknowledged' || record.condition === 'active-acknowledged';
    this.raw = this.active;
    this.since = record.since;
    this.activeSince = record.activeSince;
    this.acknowledged = record.acknowledged === undefined ? undefined : { ...record.acknowledged };
    this.shelvedUntil = record.shelvedUntil;
    this.suppressed = record.suppressed;
    this.outOfService = record.outOfService;
    this.message = record.message;
    this.value = record.value;
    this.state = this.displayState();
  }

  toRecord(): AlarmRecord {
    return {
      alarm: this.ref,
      state: this.state,
      condition: this.condition,
      priority: this.rule.priority,
      message: this.message,
      ...(this.value === undefined ? {} : { value: this.value }),
      since: this.since,
      ...(this.activeSince === undefined ? {} : { activeSince: this.activeSince }),
      ...(this.acknowledged === undefined ? {} : { acknowledged: { ...this.acknowledged } }),
      ...(this.shelvedUntil === undefined ? {} : { shelvedUntil: this.shelvedUntil }),
      suppressed: this.suppressed,
      outOfService: this.outOfService,
    };
  }
}
