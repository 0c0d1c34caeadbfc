import { createSilentLogger } from '@shopfloor/engine';
import { pointStoreContract } from '@shopfloor/store-contract';
import { afterAll } from 'vitest';
import { createPostgresPointStore } from '../src/index.ts';
import { dropSchema, testConfig } from './schema.ts';

const deps = { logger: createSilentLogger() };
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

pointStoreContract('postgres', async () => {
  const config = testConfig('contract');
  schemas.push(config.schema);
  return createPostgresPointStore(config, deps);
});
