import { Type, type Static } from 'typebox';

export const apiConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Address the HTTP API listens on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, description: 'HTTP port (0 picks a free one).' }),
    maxHistoryPoints: Type.Integer({ minimum: 100, maximum: 1_000_000, description: 'Most raw points one history page returns.' }),
  },
  { additionalProperties: false },
);
export type ApiConfig = Static<typeof apiConfigSchema>;

export const apiDefaults: ApiConfig = { host: '127.0.0.1', port: 8080, maxHistoryPoints: 100_000 };
