import { createSilentLogger, type Logger } from '@shopfloor/engine';
import type { AlarmEvent, AlarmRef, AlarmState, Point } from '@shopfloor/model';
import { AlarmEngine, type RuleAsset } from './alarm-engine.ts';
import type { RuleDefinition } from './config.ts';

export interface ReplayOptions {
  /** Start of the replayed time (default: the first point): stale rules count from here. */
  readonly from?: number;
  /** End of the replayed time (default: the last point): delays and stale rules are settled up to here. */
  readonly until?: number;
  /** Prefix of the event ids (default `replay`). */
  readonly origin?: string;
  readonly logger?: Logger;
}

/**
 * Replays points through a fresh engine in virtual time (the points' timestamps; time advances to
 * each point before it is evaluated, so delays and stale rules fire when they would have) and
 * returns what the rules would have raised, in time order. Pure: no store, no clock.
 */
export function replayRules(
  rules: readonly RuleDefinition[],
  assets: readonly RuleAsset[],
  points: readonly Point[],
  options: ReplayOptions = {},
): AlarmEvent[] {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  let clock = options.from ?? sorted[0]?.ts ?? options.until ?? 0;
  const engine = new AlarmEngine(rules, { logger: options.logger ?? createSilentLogger(), origin: options.origin ?? 'replay', now: () => clock, assets });
  const events: AlarmEvent[] = [];
  engine.onEvent((event) => events.push(event));
  for (let start = 0; start < sorted.length;) {
    const ts = (sorted[start] as Point).ts;
    let end = start;
    while (end < sorted.length && (sorted[end] as Point).ts === ts) end++;
    if (ts > clock) clock = ts;
    engine.tick(clock);
    engine.process(sorted.slice(start, end));
    start = end;
  }
  if (options.until !== undefined && options.until > clock) clock = options.until;
  engine.tick(clock);
  return events.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
}

export interface AlarmSummary {
  readonly alarm: AlarmRef;
  /** Transitions into active-unacknowledged. */
  readonly activations: number;
  /** Total time the condition was active (activation to return to normal), up to `until` for one still active. */
  readonly timeInAlarmMs: number;
  /** The state after the last event. */
  readonly lastState: AlarmState;
}

/** Per alarm: how often it activated and how long it was in alarm, in the order alarms first appear. */
export function summariseAlarmEvents(events: readonly AlarmEvent[], until: number): AlarmSummary[] {
  const byAlarm = new Map<string, { alarm: AlarmRef; activations: number; timeInAlarmMs: number; lastState: AlarmState; activeSince: number | undefined }>();
  for (const event of events) {
    const key = `${event.alarm.rule}\n${event.alarm.tag}`;
    let entry = byAlarm.get(key);
    if (entry === undefined) {
      entry = { alarm: event.alarm, activations: 0, timeInAlarmMs: 0, lastState: event.from, activeSince: undefined };
      byAlarm.set(key, entry);
    }
    if (event.to === 'active-unacknowledged' && entry.activeSince === undefined) {
      entry.activations++;
      entry.activeSince = event.ts;
    } else if ((event.to === 'rtn-unacknowledged' || (event.from === 'active-acknowledged' && event.to === 'normal')) && entry.activeSince !== undefined) {
      entry.timeInAlarmMs += event.ts - entry.activeSince;
      entry.activeSince = undefined;
    }
    entry.lastState = event.to;
  }
  return [...byAlarm.values()].map((entry) => ({
    alarm: entry.alarm,
    activations: entry.activations,
    timeInAlarmMs: entry.timeInAlarmMs + (entry.activeSince === undefined ? 0 : Math.max(0, until - entry.activeSince)),
    lastState: entry.lastState,
  }));
}
