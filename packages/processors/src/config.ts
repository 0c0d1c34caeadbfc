import { Type, type Static } from 'typebox';

const tags = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  description: 'Tag filters (unified-namespace paths with MQTT-style + and #) of the tags this processor works on; other points pass untouched.',
});

export const aggregateFunctions = ['min', 'max', 'avg', 'count', 'sum', 'first', 'last'] as const;
export type AggregateFunction = (typeof aggregateFunctions)[number];

export const scaleProcessorSchema = Type.Object(
  {
    type: Type.Literal('scale', { description: 'Linear scaling of numeric values: value × factor + offset.' }),
    tags,
    factor: Type.Number({ minimum: -1e12, maximum: 1e12, description: 'Multiplier.' }),
    offset: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12, description: 'Added after the multiplier (default 0).' })),
  },
  { additionalProperties: false },
);

export const convertProcessorSchema = Type.Object(
  {
    type: Type.Literal('convert', { description: 'Unit conversion of numeric values between two units of one quantity.' }),
    tags,
    from: Type.String({ minLength: 1, description: 'Unit the values arrive in, e.g. °C, bar, m³/h, mm/s, kW, kWh (docs: processors units table).' }),
    to: Type.String({ minLength: 1, description: 'Unit the values are stored in; of the same quantity as `from`.' }),
  },
  { additionalProperties: false },
);

export const deadbandProcessorSchema = Type.Object(
  {
    type: Type.Literal('deadband', {
      description:
        'Report by exception: a point goes on only when its value moved more than the band from the last one that went on (numbers), changed (booleans, strings), or its quality changed.',
    }),
    tags,
    band: Type.Number({ minimum: 0, maximum: 1e12, description: 'Smallest change that is reported; 0 reports every change.' }),
    mode: Type.Optional(
      Type.Union([Type.Literal('absolute'), Type.Literal('percent')], {
        description: 'absolute: band in the value’s unit; percent: band in % of the last reported value (default absolute).',
      }),
    ),
    maxSilenceMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400_000,
        description: 'Heartbeat: a point at least this long after the last reported one goes on even inside the band; 0 for none (default).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const rateLimitProcessorSchema = Type.Object(
  {
    type: Type.Literal('rate-limit', { description: 'At most one point per tag per interval; the first goes on, the rest are filtered.' }),
    tags,
    intervalMs: Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Shortest time between two points of a tag that go on.' }),
  },
  { additionalProperties: false },
);

export const aggregateProcessorSchema = Type.Object(
  {
    type: Type.Literal('aggregate', {
      description: 'Tumbling windows per tag, aligned to the epoch; each closed window emits one point per function as tag `<tag>.<function>_<window>`.',
    }),
    tags,
    windowMs: Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Window length, e.g. 1000 (named 1s) or 60000 (named 1m).' }),
    functions: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('min'),
          Type.Literal('max'),
          Type.Literal('avg'),
          Type.Literal('count'),
          Type.Literal('sum'),
          Type.Literal('first'),
          Type.Literal('last'),
        ]),
        {
          minItems: 1,
          description: 'What each window emits (default min, max, avg, count).',
        },
      ),
    ),
    keepRaw: Type.Optional(Type.Boolean({ description: 'Let the raw points go on as well (default true); false filters the points that were aggregated.' })),
    graceMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400_000,
        description: 'A window no later point closed is emitted by the pipeline tick this long after its end (default 2000).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const modelProcessorSchema = Type.Object(
  {
    type: Type.Literal('model', { description: 'An edge model from the node’s model registry, fed the points of `tags`; its outputs are derived points.' }),
    tags,
    model: Type.String({ minLength: 1, description: 'Name of the model in the registry (built in: zscore).' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The model’s parameters (each model documents its own).' })),
  },
  { additionalProperties: false },
);

export const processorConfigSchema = Type.Union([
  scaleProcessorSchema,
  convertProcessorSchema,
  deadbandProcessorSchema,
  rateLimitProcessorSchema,
  aggregateProcessorSchema,
  modelProcessorSchema,
]);
export type ProcessorConfig = Static<typeof processorConfigSchema>;
export type ProcessorType = ProcessorConfig['type'];

export const processorsConfigSchema = Type.Array(processorConfigSchema, {
  description: 'Processors in pipeline order; each sees the points the ones before it let through and created.',
});
export type ProcessorsConfig = Static<typeof processorsConfigSchema>;

export const processorsDefaults: ProcessorsConfig = [];

/** Values of the optional keys when a processor's entry leaves them out. */
export const processorDefaults = {
  scale: { offset: 0 },
  deadband: { mode: 'absolute', maxSilenceMs: 0 },
  aggregate: { functions: ['min', 'max', 'avg', 'count'], keepRaw: true, graceMs: 2_000 },
  model: { params: {} },
} as const satisfies {
  scale: { offset: number };
  deadband: { mode: 'absolute' | 'percent'; maxSilenceMs: number };
  aggregate: { functions: readonly AggregateFunction[]; keepRaw: boolean; graceMs: number };
  model: { params: Record<string, unknown> };
};

/** The branch of the union for each `type`, for checking one entry at a time. */
export const processorSchemas = {
  scale: scaleProcessorSchema,
  convert: convertProcessorSchema,
  deadband: deadbandProcessorSchema,
  'rate-limit': rateLimitProcessorSchema,
  aggregate: aggregateProcessorSchema,
  model: modelProcessorSchema,
} as const satisfies Record<ProcessorType, unknown>;
