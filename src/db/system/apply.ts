import { sql } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import type { Executor } from '../types.js';
import { SYSTEM_MIGRATIONS } from './migrations.js';

/**
 * Brings Quorum's own tables up to date. Must run inside a transaction that holds the schema lock.
 * Returns the names of the migrations applied by this call.
 */
export async function applySystemMigrations(trx: Executor, dialect: SqlDialect): Promise<string[]> {
  await sql
    .raw(
      `create table if not exists quorum_migrations (
        "name" text primary key,
        "applied_at" ${dialect.columnType('datetime')} not null
      )`,
    )
    .execute(trx);
  const done = new Set(
    (await trx.selectFrom('quorum_migrations').select('name').execute()).map((row) => row.name as string),
  );
  const applied: string[] = [];
  for (const migration of SYSTEM_MIGRATIONS) {
    if (done.has(migration.name)) continue;
    await migration.up(trx, dialect);
    await trx
      .insertInto('quorum_migrations')
      .values({ name: migration.name, applied_at: new Date().toISOString() })
      .execute();
    applied.push(migration.name);
  }
  return applied;
}
