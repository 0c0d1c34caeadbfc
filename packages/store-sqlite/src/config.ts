import { Type, type Static } from 'typebox';

export const sqlitePointStoreConfigSchema = Type.Object(
  {
    file: Type.String({ minLength: 1, description: 'Database file of the point store, or ":memory:" for a store that lives only as long as the process.' }),
    chunkSeconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      description: 'Length of one stored chunk of one tag. Fixed when the file is created; a different value for an existing file is ignored with a warning.',
    }),
    checkpointSeconds: Type.Integer({
      minimum: 1,
      maximum: 3_600,
      description:
        'How often buffered chunks are written to their rows and the write journal is emptied. Longer means fewer chunk rewrites and a longer replay after a crash.',
    }),
    maxBatchPoints: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      description: 'Most points committed in one group commit (a single larger write is committed alone, never split).',
    }),
  },
  { additionalProperties: false },
);
export type SqlitePointStoreConfig = Static<typeof sqlitePointStoreConfigSchema>;

export const sqlitePointStoreDefaults: SqlitePointStoreConfig = {
  file: 'data/points.db',
  chunkSeconds: 60,
  checkpointSeconds: 30,
  maxBatchPoints: 50_000,
};

export const sqliteRegistryConfigSchema = Type.Object(
  {
    file: Type.String({ minLength: 1, description: 'Database file of the data model (tags, asset models, assets), or ":memory:".' }),
  },
  { additionalProperties: false },
);
export type SqliteRegistryConfig = Static<typeof sqliteRegistryConfigSchema>;

export const sqliteRegistryDefaults: SqliteRegistryConfig = { file: 'data/model.db' };
