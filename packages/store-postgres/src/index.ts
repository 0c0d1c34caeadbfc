export { postgresPointStoreConfigSchema, postgresPointStoreDefaults, type PostgresPointStoreConfig } from './config.ts';
export { createPostgresPointStore } from './postgres-point-store.ts';
