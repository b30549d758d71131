import type { Database, Executor } from './types.js';

/**
 * Runs `fn` in a transaction that holds the cluster-wide schema lock (PostgreSQL advisory lock; the
 * SQLite write lock): one-time work at start — migrations, default roles, applying permission files —
 * happens once even when several nodes start together.
 */
export function withSchemaLock<T>(database: Database, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return database.transaction(async (trx) => {
    await database.dialect.lockSchema(trx);
    return fn(trx);
  });
}
