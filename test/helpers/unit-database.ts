import { connectPostgres } from '../../src/db/postgres/connect.js';
import { connectSqlite } from '../../src/db/sqlite/connect.js';
import type { Database } from '../../src/db/types.js';
import { createTestDatabase, type DatabaseKind } from './databases.js';

/**
 * A connection for unit tests below the node (src/**\/*.test.ts): an in-memory SQLite database, or a
 * fresh PostgreSQL database of its own (dropped by `close`). Nothing is created in it.
 */
export async function openUnitDatabase(
  kind: DatabaseKind,
  options: { statementTimeoutMs?: number } = {},
): Promise<{ database: Database; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const database = connectSqlite(':memory:', options);
    return { database, close: () => database.close() };
  }
  const created = await createTestDatabase('postgres');
  const database = await connectPostgres({ url: created.url, poolMax: 2, ...options });
  return {
    database,
    async close() {
      await database.close();
      await created.drop();
    },
  };
}
