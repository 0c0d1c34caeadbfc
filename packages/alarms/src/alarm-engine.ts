/**
 * The edge rule engine: evaluates rules on points before they are stored and runs one ISA-18.2
 * state machine per alarm. This file is the hot path (process), time (tick), operator actions and
 * persistence in one class, because they share the per-alarm state and must stay in step.
 */
import type { Closeable, Logger, Processor } from '@shopfloor/engine';
import {
  alarmPriorities,
  ConflictError,
  InputError,
  isTagPath,
  matchesTagFilter,
  NotFoundError,
  type AlarmEvent,
  type AlarmListFilter,
  type AlarmRecord,
  type AlarmSnapshot,
  type Point,
  type PointValue,
} from '@shopfloor/model';
import { AlarmInstance, alarmKey } from './alarm-instance.ts';
import type { AlarmStore } from './alarm-store.ts';
import { compileRule, type CompiledRule } from './compiled-rule.ts';
import type { RuleDefinition } from './config.ts';
import { parseRules } from './rule-problems.ts';

/** An asset as the rules see it: its path and its model followed by the models it inherits from. */
export interface RuleAsset {
  readonly path: string;
  readonly modelChain: readonly string[];
}

export interface AlarmEngineDeps {
  readonly logger: Logger;
  /** Prefix of event ids (`<origin>:<seq>`), unique per node: the node id. */
  readonly origin: string;
  /** The node clock (arrival of points for stale rules, operator actions). */
  readonly now?: () => number;
  /** Persists events and states, batched off the hot path. */
  readonly store?: AlarmStore;
  /** Assets for model-targeted rules (the runtime reads them from the Registry). */
  readonly assets?: readonly RuleAsset[];
  /** State from the previous run; `createAlarmEngine` loads it from the store. */
  readonly snapshot?: AlarmSnapshot;
  /** Wait before retrying a failed store write. */
  readonly retryMs?: number;
}

/** Told every transition synchronously, with the alarm's record after it. A throw is logged and ignored. */
export type AlarmListener = (event: AlarmEvent, record: AlarmRecord) => void;

/** Who does an operator action, why, and when (default: now). */
export interface AlarmAction {
  readonly user: string;
  readonly comment?: string;
  readonly ts?: number;
}

export interface AlarmEngineStats {
  /** Points evaluated against at least one rule. */
  evaluated: number;
  /** Points of bad or uncertain quality that reached a rule and changed nothing. */
  ignoredQuality: number;
  events: number;
  persistFailures: number;
}

const noAlarms: readonly AlarmInstance[] = Object.freeze([]);
const priorityRank = new Map(alarmPriorities.map((priority, index) => [priority, index]));

interface Extra {
  value?: PointValue;
  user?: string;
  comment?: string;
  shelvedUntil?: number;
}

export class AlarmEngine implements Processor, Closeable {
  readonly name = 'alarms';
  readonly stats: AlarmEngineStats = { evaluated: 0, ignoredQuality: 0, events: 0, persistFailures: 0 };
  readonly #deps: AlarmEngineDeps;
  readonly #now: () => number;
  readonly #rules = new Map<string, CompiledRule>();
  readonly #modelRules = new Map<string, CompiledRule[]>();
  readonly #filterRules: CompiledRule[] = [];
  readonly #instances = new Map<string, AlarmInstance>();
  readonly #byTag = new Map<string, readonly AlarmInstance[]>();
  #assetPaths = new Set<string>();
  readonly #restoring = new Map<string, AlarmRecord>();
  readonly #pending = new Set<AlarmInstance>();
  readonly #stale = new Set<AlarmInstance>();
  readonly #shelved = new Set<AlarmInstance>();
  readonly #listeners = new Set<AlarmListener>();
  #seq: number;
  // Persistence: events and changed alarms wait here for the next write.
  #unsaved: AlarmEvent[] = [];
  #dirty = new Set<AlarmInstance>();
  #scheduled = false;
  #writing: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `rules` are checked (InputError SF_CONFIG_INVALID naming every problem). */
  constructor(rules: readonly RuleDefinition[], deps: AlarmEngineDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    for (const rule of parseRules(rules, 'alarm rules')) {
      const compiled = compileRule(rule);
      this.#rules.set(rule.id, compiled);
      if ('model' in rule.target) {
        const list = this.#modelRules.get(rule.target.model) ?? [];
        list.push(compiled);
        this.#modelRules.set(rule.target.model, list);
      } else this.#filterRules.push(compiled);
    }
    this.#seq = deps.snapshot?.lastSeq ?? 0;
    for (const record of deps.snapshot?.records ?? []) this.#restoring.set(alarmKey(record.alarm.rule, record.alarm.tag), record);
    this.setAssets(deps.assets ?? []);
    for (const record of [...this.#restoring.values()]) {
      const rule = this.#rules.get(record.alarm.rule);
      if (rule !== undefined && 'tags' in rule.definition.target) this.#resolve(record.alarm.tag);
    }
    if (this.#restoring.size > 0) {
      deps.logger.info('persisted alarms whose rule or asset is gone were not restored', {
        alarms: [...this.#restoring.values()].slice(0, 10).map((record) => `${record.alarm.rule} ${record.alarm.tag}`),
        count: this.#restoring.size,
      });
      this.#restoring.clear();
    }
  }

  /** Instantiates model-targeted rules for these assets (alarms of assets no longer listed stay). */
  setAssets(assets: readonly RuleAsset[]): void {
    this.#assetPaths = new Set(assets.map((asset) => asset.path));
    for (const asset of assets) {
      for (const model of asset.modelChain) {
        for (const rule of this.#modelRules.get(model) ?? []) {
          const target = rule.definition.target;
          if (!('measurement' in target)) continue;
          const tag = `${asset.path}/${target.measurement}`;
          if (this.#instances.has(alarmKey(rule.id, tag))) continue;
          this.#create(rule, tag, asset.path);
          // The tag now has an entry in the index, so the hot path will not resolve it: the filter rules must be applied now.
          if (this.#filterRules.length > 0) this.#resolve(tag);
        }
      }
    }
  }

  /** Called with every transition, synchronously. Returns the function that removes the listener. */
  onEvent(listener: AlarmListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Pipeline processor: evaluates the batch and returns it unchanged. Never throws. */
  process(batch: readonly Point[]): readonly Point[] {
    const index = this.#byTag;
    const resolveNew = this.#filterRules.length > 0;
    let arrival = Number.NaN;
    try {
      for (let position = 0; position < batch.length; position++) {
        const point = batch[position] as Point;
        let alarms = index.get(point.tag);
        if (alarms === undefined) {
          if (!resolveNew) continue;
          alarms = this.#resolve(point.tag);
        }
        if (alarms.length === 0) continue;
        if (Number.isNaN(arrival)) arrival = this.#now();
        this.stats.evaluated++;
        for (const alarm of alarms) this.#evaluate(alarm, point, arrival);
      }
    } catch (error) {
      this.#deps.logger.error('evaluating alarm rules failed; the rest of the batch was not evaluated', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    return batch;
  }

  /**
   * Advances time to `now`: on/off delays that ran out, stale tags, shelves that expired. The
   * runtime calls it from a timer (every 100–250 ms); a replay calls it with the points' times.
   */
  tick(now: number = this.#now()): void {
    for (const alarm of this.#pending) this.#settle(alarm, now);
    for (const alarm of this.#stale) {
      if (!alarm.active && now - alarm.lastGoodArrival >= alarm.rule.afterMs)
        this.#setActive(alarm, true, alarm.lastGoodArrival + alarm.rule.afterMs, alarm.lastValue);
    }
    for (const alarm of this.#shelved) {
      if (alarm.shelvedUntil !== undefined && now >= alarm.shelvedUntil) {
        const expired = alarm.shelvedUntil;
        alarm.shelvedUntil = undefined;
        this.#shelved.delete(alarm);
        this.#changed(alarm, expired, { comment: 'shelf expired' });
      }
    }
  }

  /** Current alarms, most urgent first, newest first within a priority. Without a state filter, alarms in normal are left out. */
  alarms(filter: AlarmListFilter = {}): AlarmRecord[] {
    const selected: AlarmInstance[] = [];
    for (const alarm of this.#instances.values()) {
      if (filter.state === undefined ? alarm.state === 'normal' : alarm.state !== filter.state) continue;
      if (filter.priority !== undefined && alarm.rule.priority !== filter.priority) continue;
      if (filter.tagPrefix !== undefined && !alarm.ref.tag.startsWith(filter.tagPrefix)) continue;
      selected.push(alarm);
    }
    selected.sort((a, b) => (priorityRank.get(a.rule.priority) ?? 0) - (priorityRank.get(b.rule.priority) ?? 0) || b.since - a.since);
    return selected.map((alarm) => alarm.toRecord());
  }

  alarm(rule: string, tag: string): AlarmRecord | undefined {
    return this.#instances.get(alarmKey(rule, tag))?.toRecord();
  }

  /** Active-unacknowledged → active-acknowledged; returned-to-normal-unacknowledged → normal. */
  acknowledge(rule: string, tag: string, action: AlarmAction): AlarmRecord {
    const alarm = this.#find(rule, tag);
    if (alarm.state !== 'active-unacknowledged' && alarm.state !== 'rtn-unacknowledged') {
      throw new ConflictError(`alarm "${rule}" on "${tag}" is ${alarm.state}: only an unacknowledged alarm can be acknowledged`);
    }
    const ts = action.ts ?? this.#now();
    alarm.acknowledged = { user: action.user, ts, ...(action.comment === undefined ? {} : { comment: action.comment }) };
    if (alarm.condition === 'active-unacknowledged') alarm.condition = 'active-acknowledged';
    else {
      alarm.condition = 'normal';
      alarm.activeSince = undefined;
    }
    this.#changed(alarm, ts, actor(action));
    return alarm.toRecord();
  }

  /** Takes the alarm out of annunciation until `untilTs`; it then returns to its condition state. Shelving again moves the expiry. */
  shelve(rule: string, tag: string, untilTs: number, action: AlarmAction): AlarmRecord {
    const alarm = this.#find(rule, tag);
    const ts = action.ts ?? this.#now();
    if (!Number.isFinite(untilTs) || untilTs <= ts) {
      throw new InputError('SF_BAD_REQUEST', `shelving alarm "${rule}" on "${tag}": the shelf must end in the future; got ${untilTs} (now ${ts})`);
    }
    if (alarm.outOfService) throw new ConflictError(`alarm "${rule}" on "${tag}" is out of service: return it to service before shelving it`);
    alarm.shelvedUntil = untilTs;
    this.#shelved.add(alarm);
    this.#changed(alarm, ts, { ...actor(action), shelvedUntil: untilTs });
    return alarm.toRecord();
  }

  unshelve(rule: string, tag: string, action: AlarmAction): AlarmRecord {
    const alarm = this.#find(rule, tag);
    if (alarm.shelvedUntil === undefined) throw new ConflictError(`alarm "${rule}" on "${tag}" is not shelved (it is ${alarm.state})`);
    alarm.shelvedUntil = undefined;
    this.#shelved.delete(alarm);
    this.#changed(alarm, action.ts ?? this.#now(), actor(action));
    return alarm.toRecord();
  }

  /** Suppression by design or logic (e.g. the machine is stopped): hidden until unsuppressed. */
  suppress(rule: string, tag: string, action: AlarmAction): AlarmRecord {
    return this.#flag(rule, tag, 'suppressed', true, action);
  }

  unsuppress(rule: string, tag: string, action: AlarmAction): AlarmRecord {
    return this.#flag(rule, tag, 'suppressed', false, action);
  }

  /** Out of service (maintenance): hidden until returned to service. */
  setOutOfService(rule: string, tag: string, outOfService: boolean, action: AlarmAction): AlarmRecord {
    return this.#flag(rule, tag, 'outOfService', outOfService, action);
  }

  /** Resolves once every event and state so far is persisted (at once without a store). */
  async persisted(): Promise<void> {
    while (this.#writing !== undefined || (this.#deps.store !== undefined && (this.#unsaved.length > 0 || this.#dirty.size > 0))) {
      if (this.#writing === undefined) this.#write();
      await this.#writing;
      if (this.#retryTimer !== undefined && this.#unsaved.length > 0) throw new Error('alarm events could not be persisted; see the log');
    }
  }

  async close(): Promise<void> {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    try {
      await this.persisted();
    } finally {
      this.#closed = true;
      if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    }
  }

  #find(rule: string, tag: string): AlarmInstance {
    const alarm = this.#instances.get(alarmKey(rule, tag));
    if (alarm !== undefined) return alarm;
    // An operator may act on a filter rule's alarm before its tag has sent a point (shelve it ahead).
    const compiled = this.#rules.get(rule);
    const target = compiled?.definition.target;
    if (target !== undefined && 'tags' in target && isTagPath(tag) && matchesTagFilter(target.tags, tag)) {
      this.#resolve(tag);
      const created = this.#instances.get(alarmKey(rule, tag));
      if (created !== undefined) return created;
    }
    const reason = compiled === undefined ? `there is no rule "${rule}"` : `rule "${rule}" does not apply to tag "${tag}"`;
    throw new NotFoundError('SF_ALARM_NOT_FOUND', `no alarm for rule "${rule}" on tag "${tag}": ${reason}`);
  }

  #flag(rule: string, tag: string, flag: 'suppressed' | 'outOfService', on: boolean, action: AlarmAction): AlarmRecord {
    const alarm = this.#find(rule, tag);
    if (alarm[flag] === on) {
      const what = flag === 'suppressed' ? 'suppressed' : 'out of service';
      throw new ConflictError(`alarm "${rule}" on "${tag}" is ${on ? 'already' : 'not'} ${what}`);
    }
    alarm[flag] = on;
    this.#changed(alarm, action.ts ?? this.#now(), actor(action));
    return alarm.toRecord();
  }

  #create(rule: CompiledRule, tag: string, asset: string | undefined): AlarmInstance {
    const alarm = new AlarmInstance(rule, tag, asset, this.#now());
    const restored = this.#restoring.get(alarm.key);
    if (restored !== undefined) {
      alarm.restore(restored);
      this.#restoring.delete(alarm.key);
      if (alarm.shelvedUntil !== undefined) this.#shelved.add(alarm);
    }
    if (rule.definition.type === 'stale') this.#stale.add(alarm);
    this.#instances.set(alarm.key, alarm);
    const existing = this.#byTag.get(tag);
    this.#byTag.set(tag, existing === undefined || existing === noAlarms ? [alarm] : [...existing, alarm]);
    return alarm;
  }

  /** First sight of a tag: instantiates the filter-targeted rules that match it (and remembers a tag that has none). */
  #resolve(tag: string): readonly AlarmInstance[] {
    const parent = tag.slice(0, tag.lastIndexOf('/'));
    const asset = this.#assetPaths.has(parent) ? parent : undefined;
    for (const rule of this.#filterRules) {
      const target = rule.definition.target;
      if ('tags' in target && matchesTagFilter(target.tags, tag) && !this.#instances.has(alarmKey(rule.id, tag))) this.#create(rule, tag, asset);
    }
    const alarms = this.#byTag.get(tag);
    if (alarms !== undefined) return alarms;
    this.#byTag.set(tag, noAlarms);
    return noAlarms;
  }

  #evaluate(alarm: AlarmInstance, point: Point, arrival: number): void {
    const rule = alarm.rule;
    if (point.quality !== 'good') {
      // A device that stops answering must not raise or clear alarms from what it last said.
      this.stats.ignoredQuality++;
      if (!Number.isNaN(alarm.pendingSince)) {
        alarm.pendingSince = Number.NaN;
        this.#pending.delete(alarm);
      }
      alarm.raw = alarm.active;
      alarm.windowTimes.length = 0;
      alarm.windowValues.length = 0;
      alarm.windowStart = 0;
      return;
    }
    const type = rule.definition.type;
    if (type === 'stale') {
      if (arrival > alarm.lastGoodArrival) alarm.lastGoodArrival = arrival;
      alarm.lastValue = point.value;
      if (alarm.active) this.#setActive(alarm, false, arrival, point.value);
      return;
    }
    const ts = point.ts;
    if (ts < alarm.lastTs) return;
    if (!Number.isNaN(alarm.pendingSince)) this.#settle(alarm, ts);
    alarm.lastTs = ts;
    const value = point.value;
    let raw: boolean;
    switch (type) {
      case 'threshold':
        if (typeof value !== 'number') return;
        // The deadband holds an active alarm; a normal one needs the limit itself crossed.
        raw = alarm.active ? !rule.clears(value) : rule.trips(value);
        break;
      case 'state':
        raw = rule.states.has(value);
        break;
      case 'rate-of-change':
        if (typeof value !== 'number') return;
        raw = this.#rateExceeded(alarm, ts, value);
        break;
    }
    alarm.lastValue = value;
    alarm.raw = raw;
    if (raw === alarm.active) {
      if (!Number.isNaN(alarm.pendingSince)) {
        alarm.pendingSince = Number.NaN;
        this.#pending.delete(alarm);
      }
      return;
    }
    const delay = raw ? rule.onDelayMs : rule.offDelayMs;
    if (delay === 0) {
      this.#setActive(alarm, raw, ts, value);
      return;
    }
    if (Number.isNaN(alarm.pendingSince)) {
      alarm.pendingSince = ts;
      this.#pending.add(alarm);
    }
  }

  /** Change per second between the oldest and the newest point within the window. */
  #rateExceeded(alarm: AlarmInstance, ts: number, value: number): boolean {
    const times = alarm.windowTimes;
    const values = alarm.windowValues;
    times.push(ts);
    values.push(value);
    let start = alarm.windowStart;
    const from = ts - alarm.rule.windowMs;
    while ((times[start] as number) < from) start++;
    if (start > 64 && start * 2 > times.length) {
      times.splice(0, start);
      values.splice(0, start);
      start = 0;
    }
    alarm.windowStart = start;
    const span = ts - (times[start] as number);
    if (span <= 0) return false;
    const rate = ((value - (values[start] as number)) * 1_000) / span;
    const limit = alarm.rule.limitPerSecond;
    switch (alarm.rule.direction) {
      case 'rising':
        return rate > limit;
      case 'falling':
        return rate < -limit;
      case 'both':
        return rate > limit || rate < -limit;
    }
  }

  /** A pending transition whose delay has run out by `now` happens at the moment the delay ended. */
  #settle(alarm: AlarmInstance, now: number): void {
    if (Number.isNaN(alarm.pendingSince)) return;
    const due = alarm.pendingSince + (alarm.raw ? alarm.rule.onDelayMs : alarm.rule.offDelayMs);
    if (now >= due) this.#setActive(alarm, alarm.raw, due, alarm.lastValue);
  }

  #setActive(alarm: AlarmInstance, active: boolean, ts: number, value: PointValue | undefined): void {
    alarm.active = active;
    alarm.raw = active;
    if (!Number.isNaN(alarm.pendingSince)) {
      alarm.pendingSince = Number.NaN;
      this.#pending.delete(alarm);
    }
    const before = alarm.condition;
    if (active) {
      if (before === 'normal' || before === 'rtn-unacknowledged') {
        alarm.condition = 'active-unacknowledged';
        alarm.activeSince = ts;
        alarm.acknowledged = undefined;
      }
    } else if (before === 'active-unacknowledged') alarm.condition = 'rtn-unacknowledged';
    else if (before === 'active-acknowledged') {
      alarm.condition = 'normal';
      alarm.activeSince = undefined;
    }
    if (alarm.condition === before) return;
    alarm.value = value;
    alarm.message = alarm.rule.message(alarm.ref.tag, alarm.ref.asset, value);
    this.#changed(alarm, ts, value === undefined ? {} : { value });
  }

  /** After any change of an alarm: persist it, and when what the operator sees changed, emit the event. */
  #changed(alarm: AlarmInstance, ts: number, extra: Extra): void {
    const to = alarm.displayState();
    // After close nothing more is persisted (the store may be gone); the engine still answers in memory.
    const store = this.#closed ? undefined : this.#deps.store;
    if (store !== undefined) this.#dirty.add(alarm);
    if (to !== alarm.state) {
      const from = alarm.state;
      alarm.state = to;
      alarm.since = ts;
      const seq = ++this.#seq;
      const event: AlarmEvent = {
        id: `${this.#deps.origin}:${seq}`,
        seq,
        alarm: alarm.ref,
        ts,
        from,
        to,
        priority: alarm.rule.priority,
        message: alarm.message,
        ...extra,
      };
      this.stats.events++;
      if (store !== undefined) this.#unsaved.push(event);
      if (this.#listeners.size > 0) {
        const record = alarm.toRecord();
        for (const listener of this.#listeners) {
          try {
            listener(event, record);
          } catch (error) {
            this.#deps.logger.warn('an alarm listener failed', { error: error instanceof Error ? error.message : String(error) });
          }
        }
      }
    }
    if (store !== undefined && !this.#scheduled && this.#writing === undefined && this.#retryTimer === undefined) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        if (this.#writing === undefined && this.#retryTimer === undefined) this.#write();
      });
    }
  }

  /** One store write of everything waiting; what arrives meanwhile goes in the next one. */
  #write(): void {
    const store = this.#deps.store;
    if (store === undefined || (this.#unsaved.length === 0 && this.#dirty.size === 0)) return;
    const events = this.#unsaved;
    const dirty = this.#dirty;
    this.#unsaved = [];
    this.#dirty = new Set();
    const records = [...dirty].map((alarm) => alarm.toRecord());
    this.#writing = store.append(events, records).then(
      () => {
        this.#writing = undefined;
        if (this.#unsaved.length > 0 || this.#dirty.size > 0) this.#write();
      },
      (error: unknown) => {
        this.#writing = undefined;
        this.stats.persistFailures++;
        // Keep them, in order, for the next attempt.
        this.#unsaved = [...events, ...this.#unsaved];
        for (const alarm of this.#dirty) dirty.add(alarm);
        this.#dirty = dirty;
        this.#deps.logger.error('persisting alarm events failed; retrying', {
          events: events.length,
          error: error instanceof Error ? error.message : String(error),
        });
        if (!this.#closed && this.#retryTimer === undefined) {
          this.#retryTimer = setTimeout(() => {
            this.#retryTimer = undefined;
            if (this.#writing === undefined) this.#write();
          }, this.#deps.retryMs ?? 1_000);
          this.#retryTimer.unref();
        }
      },
    );
  }
}

function actor(action: AlarmAction): Extra {
  return action.comment === undefined ? { user: action.user } : { user: action.user, comment: action.comment };
}

/** Loads the persisted state from `deps.store` (when given) and starts the engine from it. */
export async function createAlarmEngine(rules: readonly RuleDefinition[], deps: AlarmEngineDeps): Promise<AlarmEngine> {
  const snapshot = deps.snapshot ?? (await deps.store?.load());
  return new AlarmEngine(rules, snapshot === undefined ? deps : { ...deps, snapshot });
}
