import { Type, type Static } from 'typebox';

const priority = Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')], {
  description: 'How urgent the alarm is: critical, high, medium or low.',
});

export const ruleTargetSchema = Type.Union(
  [
    Type.Object(
      {
        model: Type.String({ minLength: 1, description: 'Asset model id: one alarm per asset of this model or of a model that extends it.' }),
        measurement: Type.String({ pattern: '^[A-Za-z0-9_\\-.:]{1,64}$', description: "Measurement of the model; the tag is '<asset path>/<measurement>'." }),
      },
      { additionalProperties: false, description: 'Every asset of a model (with inheritance).' },
    ),
    Type.Object(
      { tags: Type.String({ minLength: 1, description: "UNS filter ('+' one segment, '#' the rest): one alarm per matching tag, as tags appear." }) },
      { additionalProperties: false, description: 'Every tag matching a filter.' },
    ),
  ],
  { description: 'What the rule watches: the measurement of every asset of a model, or every tag matching a UNS filter.' },
);

const common = {
  id: Type.String({ pattern: '^[A-Za-z0-9_\\-.:]{1,64}$', description: 'Unique rule id (letters, digits, _-.:); an alarm is identified by (rule id, tag).' }),
  target: ruleTargetSchema,
  priority,
  message: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'Alarm text; {tag}, {asset}, {value} and {rule} are replaced. A text naming the condition when absent.',
    }),
  ),
};
const delays = {
  onDelayMs: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'The condition must hold this long before the alarm activates (default 0).' }),
  ),
  offDelayMs: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'The condition must be gone this long before the alarm clears (default 0).' }),
  ),
};

export const thresholdRuleSchema = Type.Object(
  {
    ...common,
    type: Type.Literal('threshold', { description: 'Alarm while the value is beyond a limit.' }),
    op: Type.Union([Type.Literal('>'), Type.Literal('>='), Type.Literal('<'), Type.Literal('<=')], {
      description: "Comparison of value to limit that means 'in alarm': >, >=, < or <=.",
    }),
    limit: Type.Number({ description: 'The limit the value is compared with.' }),
    deadband: Type.Optional(
      Type.Number({ minimum: 0, description: "Clearing hysteresis: with '>' the alarm clears only at or below limit − deadband (default 0)." }),
    ),
    ...delays,
  },
  { additionalProperties: false },
);

export const rateOfChangeRuleSchema = Type.Object(
  {
    ...common,
    type: Type.Literal('rate-of-change', { description: 'Alarm while the value changes faster than a limit.' }),
    limitPerSecond: Type.Number({ exclusiveMinimum: 0, description: 'Largest allowed change per second (in the tag unit).' }),
    windowMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      description: 'The change is measured over the points of this window ending at the newest point.',
    }),
    direction: Type.Optional(
      Type.Union([Type.Literal('rising'), Type.Literal('falling'), Type.Literal('both')], {
        description: 'Which changes count: rising, falling or both (default).',
      }),
    ),
    ...delays,
  },
  { additionalProperties: false },
);

export const stateRuleSchema = Type.Object(
  {
    ...common,
    type: Type.Literal('state', { description: 'Alarm while the value is one of the listed values.' }),
    in: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
      minItems: 1,
      description: "Values that mean 'in alarm' (e.g. a machine state 'down').",
    }),
    ...delays,
  },
  { additionalProperties: false },
);

export const staleRuleSchema = Type.Object(
  {
    ...common,
    type: Type.Literal('stale', { description: 'Alarm while no good point has arrived for a time.' }),
    afterMs: Type.Integer({ minimum: 1, maximum: 604_800_000, description: 'Alarm when no good-quality point arrived for this long.' }),
  },
  { additionalProperties: false },
);

export const ruleDefinitionSchema = Type.Union([thresholdRuleSchema, rateOfChangeRuleSchema, stateRuleSchema, staleRuleSchema], {
  description: 'One rule: threshold, rate-of-change, state or stale.',
});

export type RuleTarget = Static<typeof ruleTargetSchema>;
export type ThresholdRule = Static<typeof thresholdRuleSchema>;
export type RateOfChangeRule = Static<typeof rateOfChangeRuleSchema>;
export type StateRule = Static<typeof stateRuleSchema>;
export type StaleRule = Static<typeof staleRuleSchema>;
export type RuleDefinition = Static<typeof ruleDefinitionSchema>;

export const ruleTypes = ['threshold', 'rate-of-change', 'state', 'stale'] as const;
export type RuleType = RuleDefinition['type'];

export const rulesConfigSchema = Type.Object(
  {
    rules: Type.Array(ruleDefinitionSchema, { description: 'Alarm rules: plain data, one entry per rule.' }),
  },
  { additionalProperties: false },
);
export type RulesConfig = Static<typeof rulesConfigSchema>;

export const rulesDefaults: RulesConfig = { rules: [] };
