export { sqlitePointStoreConfigSchema, sqlitePointStoreDefaults, sqliteRegistryConfigSchema, sqliteRegistryDefaults } from './config.ts';
export type { SqlitePointStoreConfig, SqliteRegistryConfig } from './config.ts';
export { SqlitePointStore, createSqlitePointStore } from './sqlite-point-store.ts';
export type { SqlitePointStoreDeps } from './sqlite-point-store.ts';
export type { RetentionOutcome } from './worker-protocol.ts';
export { SqliteRegistry, createSqliteRegistry } from './sqlite-registry.ts';
export type { SqliteRegistryDeps } from './sqlite-registry.ts';
export { SqliteAlarmStore, createSqliteAlarmStore, sqliteAlarmStoreConfigSchema, sqliteAlarmStoreDefaults } from './alarm-store.ts';
export type { SqliteAlarmStoreConfig, SqliteAlarmStoreDeps } from './alarm-store.ts';
