import { Type, type Static } from 'typebox';

export const postgresPointStoreConfigSchema = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      description: 'PostgreSQL connection URL, postgres://user@host:port/database (trust authentication; no password).',
    }),
    schema: Type.String({
      minLength: 1,
      maxLength: 50,
      pattern: '^[a-z_][a-z0-9_]*$',
      description: 'Schema holding the store tables; created if missing.',
    }),
    poolSize: Type.Integer({ minimum: 1, maximum: 100, description: 'Most connections the store opens (one is used by the writer).' }),
    partitionDays: Type.Integer({ minimum: 1, maximum: 366, description: 'Width in days of one time partition of the points table.' }),
    maxBatchPoints: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      description: 'Most points committed in one group commit (a single larger write is committed alone, never split).',
    }),
  },
  { additionalProperties: false },
);
export type PostgresPointStoreConfig = Static<typeof postgresPointStoreConfigSchema>;

export const postgresPointStoreDefaults: PostgresPointStoreConfig = {
  url: 'postgres://root@127.0.0.1:5432/test',
  schema: 'shopfloor',
  poolSize: 4,
  partitionDays: 1,
  maxBatchPoints: 50_000,
};
