import { createSilentLogger } from '@shopfloor/engine';
import { pointStoreContract, registryContract } from '@shopfloor/store-contract';
import { afterAll } from 'vitest';
import { createSqlitePointStore, createSqliteRegistry, sqlitePointStoreDefaults } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const dir = tempDir('sf-contract');
afterAll(() => dir.remove());
const deps = { logger: createSilentLogger() };

pointStoreContract('sqlite file', () => createSqlitePointStore({ ...sqlitePointStoreDefaults, file: dir.file('points.db') }, deps));
pointStoreContract('sqlite :memory:', () => createSqlitePointStore({ ...sqlitePointStoreDefaults, file: ':memory:' }, deps));
pointStoreContract('sqlite file, 1 s chunks', () =>
  createSqlitePointStore({ ...sqlitePointStoreDefaults, file: dir.file('points.db'), chunkSeconds: 1, maxBatchPoints: 7 }, deps),
);
registryContract('sqlite file', () => createSqliteRegistry({ file: dir.file('model.db') }, deps));
registryContract('sqlite :memory:', () => createSqliteRegistry({ file: ':memory:' }, deps));
