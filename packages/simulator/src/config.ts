import { Type, type Static } from 'typebox';

/** Settings of a `simulate` run; the plant itself is described in the plant file. */
export const simulatorConfigSchema = Type.Object(
  {
    plantFile: Type.Optional(Type.String({ minLength: 1, description: 'Plant description (YAML); absent: the built-in demo plant.' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: "Overrides the plant file's seed." })),
    speed: Type.Number({ exclusiveMinimum: 0, maximum: 10_000_000, description: 'Simulated ms per wall ms: 1 real time, 1440 a day per minute.' }),
    tickMs: Type.Integer({ minimum: 1, maximum: 3_600_000, description: 'Wall ms between clock ticks (plant advance and publish).' }),
    stepMs: Type.Integer({ minimum: 1, maximum: 60_000, description: 'Fixed internal step of the physics, simulated ms.' }),
    startTime: Type.Optional(Type.String({ minLength: 1, description: "Simulated start, ISO 8601; absent: the plant file's startTime." })),
  },
  { additionalProperties: false },
);
export type SimulatorConfig = Static<typeof simulatorConfigSchema>;

export const simulatorDefaults: SimulatorConfig = { speed: 1, tickMs: 1_000, stepMs: 100 };
