import type { AlarmPriority, PointValue } from '@shopfloor/model';
import type { RuleDefinition } from './config.ts';

/** A rule made ready for the hot path: comparisons as closures, delays and texts resolved. */
export interface CompiledRule {
  readonly id: string;
  readonly definition: RuleDefinition;
  readonly priority: AlarmPriority;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  /** Threshold: does the value put a normal alarm into alarm? */
  readonly trips: (value: number) => boolean;
  /** Threshold: does the value take an alarm out of alarm (limit with deadband)? */
  readonly clears: (value: number) => boolean;
  /** State: values that mean "in alarm". */
  readonly states: ReadonlySet<PointValue>;
  /** Rate of change: limit, window and direction. */
  readonly limitPerSecond: number;
  readonly windowMs: number;
  readonly direction: 'rising' | 'falling' | 'both';
  /** Stale: alarm after this long without a good point. */
  readonly afterMs: number;
  message(tag: string, asset: string | undefined, value: PointValue | undefined): string;
}

const never = (): boolean => false;

export function compileRule(rule: RuleDefinition): CompiledRule {
  const base = {
    id: rule.id,
    definition: rule,
    priority: rule.priority,
    onDelayMs: 'onDelayMs' in rule ? (rule.onDelayMs ?? 0) : 0,
    offDelayMs: 'offDelayMs' in rule ? (rule.offDelayMs ?? 0) : 0,
    trips: never,
    clears: never,
    states: new Set<PointValue>(),
    limitPerSecond: Number.POSITIVE_INFINITY,
    windowMs: 0,
    direction: 'both' as const,
    afterMs: Number.POSITIVE_INFINITY,
    message: messageFor(rule),
  };
  switch (rule.type) {
    case 'threshold': {
      const { limit } = rule;
      const band = rule.deadband ?? 0;
      switch (rule.op) {
        case '>':
          return { ...base, trips: (value) => value > limit, clears: (value) => value <= limit - band };
        case '>=':
          return { ...base, trips: (value) => value >= limit, clears: (value) => value < limit - band };
        case '<':
          return { ...base, trips: (value) => value < limit, clears: (value) => value >= limit + band };
        case '<=':
          return { ...base, trips: (value) => value <= limit, clears: (value) => value > limit + band };
      }
      break;
    }
    case 'rate-of-change':
      return { ...base, limitPerSecond: rule.limitPerSecond, windowMs: rule.windowMs, direction: rule.direction ?? 'both' };
    case 'state':
      return { ...base, states: new Set(rule.in) };
    case 'stale':
      return { ...base, afterMs: rule.afterMs };
  }
  return base;
}

function describeCondition(rule: RuleDefinition): string {
  switch (rule.type) {
    case 'threshold':
      return `{tag} ${rule.op} ${rule.limit} (value {value})`;
    case 'rate-of-change':
      return `{tag} changes faster than ${rule.limitPerSecond}/s${rule.direction === undefined || rule.direction === 'both' ? '' : ` (${rule.direction})`} (value {value})`;
    case 'state':
      return '{tag} is {value}';
    case 'stale':
      return `{tag}: no good data for ${rule.afterMs} ms`;
  }
}

function messageFor(rule: RuleDefinition): CompiledRule['message'] {
  const template = rule.message ?? describeCondition(rule);
  return (tag, asset, value) =>
    template.replace(/\{(tag|asset|value|rule)\}/g, (_match, name: string) => {
      switch (name) {
        case 'tag':
          return tag;
        case 'asset':
          return asset ?? '';
        case 'rule':
          return rule.id;
        default:
          return value === undefined ? '—' : String(value);
      }
    });
}
