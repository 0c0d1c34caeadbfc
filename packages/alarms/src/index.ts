export {
  ruleDefinitionSchema,
  ruleTargetSchema,
  thresholdRuleSchema,
  rateOfChangeRuleSchema,
  stateRuleSchema,
  staleRuleSchema,
  rulesConfigSchema,
  rulesDefaults,
  ruleTypes,
} from './config.ts';
export type { RuleDefinition, RuleTarget, RuleType, ThresholdRule, RateOfChangeRule, StateRule, StaleRule, RulesConfig } from './config.ts';
export { ruleProblems, parseRules } from './rule-problems.ts';
export { AlarmEngine, createAlarmEngine } from './alarm-engine.ts';
export type { AlarmEngineDeps, AlarmEngineStats, AlarmListener, AlarmAction, RuleAsset } from './alarm-engine.ts';
export { MemoryAlarmStore } from './alarm-store.ts';
export type { AlarmStore, AlarmHistory, AlarmOutbox } from './alarm-store.ts';
export { replayRules, summariseAlarmEvents } from './replay.ts';
export type { ReplayOptions, AlarmSummary } from './replay.ts';
