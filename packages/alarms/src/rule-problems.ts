import type { TSchema } from 'typebox';
import { describeValue, formatPath, formatProblems, schemaProblems, type SchemaProblem } from '@shopfloor/engine';
import { InputError, tagFilterProblem } from '@shopfloor/model';
import { rateOfChangeRuleSchema, staleRuleSchema, stateRuleSchema, thresholdRuleSchema, ruleTypes, type RuleDefinition, type RuleType } from './config.ts';

const schemaByType: Record<RuleType, TSchema> = {
  threshold: thresholdRuleSchema,
  'rate-of-change': rateOfChangeRuleSchema,
  state: stateRuleSchema,
  stale: staleRuleSchema,
};

/**
 * Every problem of a list of rules, each with its key path (`rules[2].op`), what was expected and
 * what was found: the shape of each rule against the schema of its `type` (so a threshold rule is
 * not also told what a state rule would need), then what a schema cannot say (unique ids, valid
 * filters). `keyPrefix` is where the list sits (`rules`, `alarms.rules`).
 */
export function ruleProblems(rules: unknown, source: string, keyPrefix: readonly string[] = ['rules']): SchemaProblem[] {
  const at = (...keys: (string | number)[]): string => formatPath([...keyPrefix, ...keys.map(String)]);
  if (!Array.isArray(rules)) return [{ source, path: at(), expected: 'a list of rules', found: describeValue(rules) }];
  const problems: SchemaProblem[] = [];
  const firstIndexOfId = new Map<string, number>();
  rules.forEach((rule: unknown, index) => {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      problems.push({ source, path: at(index), expected: 'a rule (a mapping with id, target, type, priority)', found: describeValue(rule) });
      return;
    }
    const fields = rule as Record<string, unknown>;
    const type = fields['type'];
    if (!(ruleTypes as readonly unknown[]).includes(type)) {
      problems.push({ source, path: at(index, 'type'), expected: `one of ${ruleTypes.map((name) => `"${name}"`).join(', ')}`, found: describeValue(type) });
      return;
    }
    for (const problem of schemaProblems(schemaByType[type as RuleType], rule, () => source)) {
      const inner = problem.path === '(root)' ? '' : problem.path.startsWith('[') ? problem.path : `.${problem.path}`;
      problems.push({ ...problem, path: `${at(index)}${inner}` });
    }
    const id = fields['id'];
    if (typeof id === 'string') {
      const first = firstIndexOfId.get(id);
      if (first !== undefined) problems.push({ source, path: at(index, 'id'), expected: `a unique rule id (${at(first, 'id')} has it too)`, found: `"${id}"` });
      else firstIndexOfId.set(id, index);
    }
    const target = fields['target'];
    if (typeof target === 'object' && target !== null && typeof (target as Record<string, unknown>)['tags'] === 'string') {
      const filter = (target as Record<string, string>)['tags'] as string;
      const problem = tagFilterProblem(filter);
      if (problem !== undefined) problems.push({ source, path: at(index, 'target', 'tags'), expected: `a UNS filter (${problem})`, found: `"${filter}"` });
    }
    if (
      type === 'threshold' &&
      typeof fields['deadband'] === 'number' &&
      typeof fields['limit'] === 'number' &&
      !Number.isFinite(fields['limit'] - fields['deadband'])
    ) {
      problems.push({
        source,
        path: at(index, 'deadband'),
        expected: 'a deadband that keeps limit ± deadband finite',
        found: describeValue(fields['deadband']),
      });
    }
  });
  return problems;
}

/** The rules, checked: throws InputError (SF_CONFIG_INVALID) listing every problem with its key path. */
export function parseRules(rules: unknown, source: string, keyPrefix: readonly string[] = ['rules']): RuleDefinition[] {
  const problems = ruleProblems(rules, source, keyPrefix);
  if (problems.length > 0) {
    throw new InputError(
      'SF_CONFIG_INVALID',
      `alarm rules are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    );
  }
  return rules as RuleDefinition[];
}
