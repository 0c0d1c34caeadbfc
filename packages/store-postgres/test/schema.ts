import { randomBytes } from 'node:crypto';
import { postgresPointStoreDefaults, type PostgresPointStoreConfig } from '../src/index.ts';
import { identifier, WireConnection } from '../src/wire.ts';

export const testUrl = process.env['SHOPFLOOR_TEST_POSTGRES_URL'] ?? postgresPointStoreDefaults.url;

/** A config with a private schema of its own, to be dropped with `dropSchema`. */
export function testConfig(label: string, overrides: Partial<PostgresPointStoreConfig> = {}): PostgresPointStoreConfig {
  return { ...postgresPointStoreDefaults, url: testUrl, schema: `sf_test_${label}_${randomBytes(4).toString('hex')}`, ...overrides };
}

/** Runs statements on a connection of its own. */
export async function sql(text: string): Promise<(string | null)[][][]> {
  const connection = await WireConnection.open(new URL(testUrl));
  try {
    return await connection.query(text);
  } finally {
    connection.close();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS ${identifier(schema)} CASCADE`);
}
