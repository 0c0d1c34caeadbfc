import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from '@shopfloor/alarms';
import { alarmConditionStates, isLegalAlarmTransition, type AlarmState } from '@shopfloor/model';
import { harness } from './fixtures.ts';

const rules: RuleDefinition[] = [
  { id: 'hot', target: { tags: 'a/+' }, type: 'threshold', priority: 'high', op: '>', limit: 50, deadband: 5, onDelayMs: 300, offDelayMs: 200 },
  { id: 'cold', target: { tags: 'a/+' }, type: 'threshold', priority: 'low', op: '<=', limit: 0 },
  { id: 'jump', target: { tags: 'a/+' }, type: 'rate-of-change', priority: 'medium', limitPerSecond: 20, windowMs: 1_000, offDelayMs: 100 },
  { id: 'down', target: { tags: 'a/+' }, type: 'state', priority: 'critical', in: ['down', true], onDelayMs: 100 },
  { id: 'silent', target: { tags: 'a/+' }, type: 'stale', priority: 'medium', afterMs: 1_500 },
];
const tags = ['a/x', 'a/y'];

type Command =
  | { kind: 'point'; tag: number; dt: number; value: number | string | boolean; quality: 'good' | 'bad' | 'uncertain' }
  | { kind: 'tick'; dt: number }
  | { kind: 'operate'; rule: number; tag: number; op: 'ack' | 'shelve' | 'unshelve' | 'suppress' | 'unsuppress' | 'oos-on' | 'oos-off'; durationMs: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('point' as const),
      tag: fc.nat({ max: tags.length - 1 }),
      dt: fc.nat({ max: 700 }),
      value: fc.oneof(fc.integer({ min: -20, max: 80 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('down', 'idle', true, false)),
      quality: fc.constantFrom('good' as const, 'good' as const, 'good' as const, 'bad' as const, 'uncertain' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.nat({ max: 3_000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('operate' as const),
      rule: fc.nat({ max: rules.length - 1 }),
      tag: fc.nat({ max: tags.length - 1 }),
      op: fc.constantFrom(
        'ack' as const,
        'shelve' as const,
        'unshelve' as const,
        'suppress' as const,
        'unsuppress' as const,
        'oos-on' as const,
        'oos-off' as const,
      ),
      durationMs: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
);

const refusals = new Set(['ConflictError']);

describe('alarm state machine (property-based)', () => {
  it('random points, ticks and operator actions never throw unexpectedly and never make an illegal transition', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 120 }), (commands) => {
        const h = harness(rules);
        let clock = 0;
        for (const step of commands) {
          switch (step.kind) {
            case 'point':
              clock += step.dt;
              h.feed(tags[step.tag] as string, clock, step.value, step.quality);
              break;
            case 'tick':
              clock += step.dt;
              h.tick(clock);
              break;
            case 'operate': {
              const rule = (rules[step.rule] as RuleDefinition).id;
              const tag = tags[step.tag] as string;
              const action = { user: 'prop', ts: clock };
              try {
                if (step.op === 'ack') h.engine.acknowledge(rule, tag, action);
                else if (step.op === 'shelve') h.engine.shelve(rule, tag, clock + step.durationMs, action);
                else if (step.op === 'unshelve') h.engine.unshelve(rule, tag, action);
                else if (step.op === 'suppress') h.engine.suppress(rule, tag, action);
                else if (step.op === 'unsuppress') h.engine.unsuppress(rule, tag, action);
                else h.engine.setOutOfService(rule, tag, step.op === 'oos-on', action);
              } catch (error) {
                if (!refusals.has((error as Error).name)) throw error;
              }
              break;
            }
          }
        }
        expect(h.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
        const lastState = new Map<string, AlarmState>();
        h.events.forEach((event, index) => {
          expect(event.seq).toBe(index + 1);
          expect([event.from, event.to, isLegalAlarmTransition(event.from, event.to)]).toEqual([event.from, event.to, true]);
          const key = `${event.alarm.rule} ${event.alarm.tag}`;
          expect(event.from).toBe(lastState.get(key) ?? 'normal');
          lastState.set(key, event.to);
        });
        for (const record of h.engine.alarms({}).concat(h.engine.alarms({ state: 'normal' }))) {
          expect(record.state).toBe(lastState.get(`${record.alarm.rule} ${record.alarm.tag}`) ?? 'normal');
          if ((alarmConditionStates as readonly string[]).includes(record.state)) expect(record.condition).toBe(record.state);
        }
      }),
      { numRuns: 1_000, seed: 20_251_125 },
    );
  });
});
