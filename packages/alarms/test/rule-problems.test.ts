import { describe, expect, it } from 'vitest';
import { AlarmEngine, parseRules, ruleProblems } from '@shopfloor/alarms';
import { createSilentLogger } from '@shopfloor/engine';

describe('rule validation', () => {
  it('names the key path, what was expected and what was found for every problem', () => {
    const problems = ruleProblems(
      [
        { id: 'a', target: { tags: 'acme/#' }, type: 'threshold', priority: 'high', op: '=>', limit: 80, onDelayMs: -5 },
        { id: 'a', target: { tags: 'acme/#/x' }, type: 'state', priority: 'urgent', in: [] },
        { id: 'c', target: { model: 'pump', measurement: 'flow' }, type: 'stale', priority: 'low', afterMs: 1000, colour: 'red' },
        { id: 'd', target: { tags: '#' }, type: 'trend', priority: 'low' },
        'not a rule',
      ],
      'edge.yaml',
      ['alarms', 'rules'],
    );
    expect(problems.map((problem) => `${problem.source}: ${problem.path}: expected ${problem.expected}, found ${problem.found}`)).toEqual([
      'edge.yaml: alarms.rules[0].op: expected ">" or ">=" or "<" or "<=", found string "=>"',
      'edge.yaml: alarms.rules[0].onDelayMs: expected a number >= 0, found number -5',
      'edge.yaml: alarms.rules[1].priority: expected "critical" or "high" or "medium" or "low", found string "urgent"',
      'edge.yaml: alarms.rules[1].in: expected at least 1 entries, found a list []',
      'edge.yaml: alarms.rules[1].id: expected a unique rule id (alarms.rules[0].id has it too), found "a"',
      'edge.yaml: alarms.rules[1].target.tags: expected a UNS filter ("#" may only be the last segment), found "acme/#/x"',
      'edge.yaml: alarms.rules[2].colour: expected no such key (known: id, target, priority, message, type, afterMs), found "colour"',
      'edge.yaml: alarms.rules[3].type: expected one of "threshold", "rate-of-change", "state", "stale", found string "trend"',
      'edge.yaml: alarms.rules[4]: expected a rule (a mapping with id, target, type, priority), found string "not a rule"',
    ]);
  });

  it('accepts valid rules, and the engine refuses invalid ones with SF_CONFIG_INVALID', () => {
    const rules = [
      { id: 'rise', target: { tags: 'a/+' }, type: 'rate-of-change', priority: 'low', limitPerSecond: 1, windowMs: 1000, direction: 'falling' },
      { id: 'silent', target: { model: 'm', measurement: 'x' }, type: 'stale', priority: 'low', afterMs: 5 },
    ];
    expect(ruleProblems(rules, 'f')).toEqual([]);
    expect(parseRules(rules, 'f')).toBe(rules);
    expect(ruleProblems({ rules }, 'f')).toEqual([{ source: 'f', path: 'rules', expected: 'a list of rules', found: 'a mapping' }]);
    let thrown: unknown;
    try {
      new AlarmEngine([{ ...rules[0], windowMs: 0 } as never], { logger: createSilentLogger(), origin: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'InputError', code: 'SF_CONFIG_INVALID' });
    expect((thrown as Error).message).toContain('rules[0].windowMs: expected a number >= 1, found number 0');
  });
});
