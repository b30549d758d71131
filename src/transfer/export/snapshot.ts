import { sql } from 'kysely';
import type { Database } from '../../db/types.js';

/**
 * Runs `fn` inside one read-only transaction on one connection, so everything an export reads (rows,
 * links, files, and file bytes kept by the database storage) comes from the same moment, while nodes go on
 * writing. The `Database` handed to `fn` runs every statement on that connection; its `transaction`
 * refuses, since nothing an export does may write.
 *
 * SQLite: a deferred `begin` (not the driver's `begin immediate`, which would take the write lock and stop
 * every node's writes for the whole export); in WAL mode the first read fixes the snapshot. PostgreSQL:
 * `repeatable read, read only`, whose snapshot is taken at the first statement too.
 */
export async function inReadSnapshot<T>(
  database: Database,
  fn: (snapshot: Database) => Promise<T>,
): Promise<T> {
  return database.db.connection().execute(async (connection) => {
    const begin =
      database.kind === 'postgres'
        ? sql`begin transaction isolation level repeatable read, read only`
        : sql`begin deferred`;
    await begin.execute(connection);
    const snapshot: Database = {
      ...database,
      db: connection,
      transaction: () => Promise.reject(new Error('an export reads only')),
      close: () => Promise.reject(new Error('the snapshot belongs to the export')),
    };
    try {
      // Fix the snapshot now: SQLite takes it at the first statement that reads a table.
      await sql`select 1 from quorum_state limit 1`.execute(connection);
      return await fn(snapshot);
    } finally {
      await sql`rollback`.execute(connection);
    }
  });
}
