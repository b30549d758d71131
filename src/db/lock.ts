import type { SqlDialect } from './dialect.js';
import type { Database, Executor } from './types.js';

/**
 * Takes the cluster-wide schema lock for the rest of `trx` and lifts its statement time limit: one-time
 * work (migrations, schema changes) may run long, and waiting for the lock may too.
 */
export async function lockSchema(dialect: SqlDialect, trx: Executor): Promise<void> {
  await dialect.liftStatementTimeout(trx);
  await dialect.schemaLock(trx);
}

/**
 * Runs `fn` in a transaction that holds the cluster-wide schema lock (PostgreSQL advisory lock; the
 * SQLite write lock): one-time work at start — migrations, default roles, applying permission files —
 * happens once even when several nodes start together.
 */
export function withSchemaLock<T>(database: Database, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return database.transaction(async (trx) => {
    await lockSchema(database.dialect, trx);
    return fn(trx);
  });
}
