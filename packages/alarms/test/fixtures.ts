import { createCapturingLogger } from '@shopfloor/testkit';
import { AlarmEngine, type AlarmStore, type RuleAsset, type RuleDefinition } from '@shopfloor/alarms';
import type { AlarmEvent, Point, PointValue, Quality } from '@shopfloor/model';

export function point(tag: string, ts: number, value: PointValue, quality: Quality = 'good'): Point {
  return { tag, ts, value, quality };
}

/** An engine on a virtual clock that records its events; `at(ts, value)` feeds one point at that time. */
export function harness(rules: readonly RuleDefinition[], options: { assets?: readonly RuleAsset[]; store?: AlarmStore; start?: number } = {}) {
  let clock = options.start ?? 0;
  const logger = createCapturingLogger();
  const engine = new AlarmEngine(rules, {
    logger,
    origin: 'edge1',
    now: () => clock,
    ...(options.assets === undefined ? {} : { assets: options.assets }),
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  const events: AlarmEvent[] = [];
  engine.onEvent((event) => events.push(event));
  return {
    engine,
    events,
    logger,
    /** Sets the clock to `ts`, runs due timers (as the runtime's tick would), then evaluates the point. */
    feed(tag: string, ts: number, value: PointValue, quality: Quality = 'good') {
      clock = ts;
      engine.tick(ts);
      engine.process([point(tag, ts, value, quality)]);
    },
    tick(ts: number) {
      clock = ts;
      engine.tick(ts);
    },
    setClock(ts: number) {
      clock = ts;
    },
    /** The transitions so far as compact tuples: [ts, from, to, value]. */
    timeline() {
      return events.map((event) => [event.ts, event.from, event.to, event.value]);
    },
  };
}
