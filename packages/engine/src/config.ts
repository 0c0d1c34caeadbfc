import { Type, type Static } from 'typebox';

export const pipelineConfigSchema = Type.Object(
  {
    unknownTags: Type.Union([Type.Literal('register'), Type.Literal('refuse')], {
      description: 'What happens to a point of a tag the node does not know: register the tag under its path, or refuse the point.',
    }),
    maxFutureMs: Type.Integer({
      minimum: 0,
      maximum: 86_400_000,
      description: 'Points more than this far ahead of the node clock are refused (future-timestamp).',
    }),
    maxPendingPoints: Type.Integer({
      minimum: 1_000,
      maximum: 10_000_000,
      description: 'Points accepted but not yet stored above which sources are asked to slow down.',
    }),
    maxStringLength: Type.Integer({ minimum: 1, maximum: 65_536, description: 'Longest string value accepted.' }),
  },
  { additionalProperties: false },
);
export type PipelineConfig = Static<typeof pipelineConfigSchema>;

export const pipelineDefaults: PipelineConfig = {
  unknownTags: 'register',
  maxFutureMs: 300_000,
  maxPendingPoints: 200_000,
  maxStringLength: 4_096,
};
