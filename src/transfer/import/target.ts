import { sql } from 'kysely';
import type { Database, Executor } from '../../db/types.js';
import type { Schema } from '../../core/schema/registry.js';
import { ownedRelations } from '../../core/schema/relations.js';
import { PERMISSION_UID, ROLE_UID } from '../../auth/users-permissions/schemas.js';

/**
 * Roles and permissions are what a node creates on its first start (the Public and Authenticated roles
 * with Strapi's default grants): they do not make a target non-empty, and the archive's replace them.
 */
const BOOTSTRAPPED = new Set([ROLE_UID, PERMISSION_UID]);

/** Content documents already in the target, by type (types with none left out). */
export async function existingDocuments(db: Executor, schema: Schema): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const type of schema.contentTypes.values()) {
    if (BOOTSTRAPPED.has(type.uid)) continue;
    const row = await db
      .selectFrom(type.tableName)
      .select(sql<number>`count(distinct document_id)`.as('n'))
      .executeTakeFirst()
      // A dry run against a database the schema was never applied to: the table is not there yet.
      .catch(() => undefined);
    const n = Number(row?.n ?? 0);
    if (n > 0) counts.set(type.uid, n);
  }
  return counts;
}

/**
 * Empties what the import replaces, in one transaction: every content row, component row and link of
 * `uids` (all content types with --force; only roles and permissions on an empty target). Link tables
 * first (they reference owner rows), then components, then the rows.
 */
export async function clearTypes(trx: Executor, schema: Schema, uids: ReadonlySet<string>): Promise<void> {
  const everything = [...schema.contentTypes.keys()].every((uid) => uids.has(uid));
  for (const storage of ownedRelations(schema))
    if (everything || uids.has(storage.owner.uid) || uids.has(storage.target.uid))
      await trx.deleteFrom(storage.table).execute();
  if (everything)
    for (const component of schema.components.values()) await trx.deleteFrom(component.tableName).execute();
  for (const uid of uids) {
    const type = schema.contentTypes.get(uid);
    if (type) await trx.deleteFrom(type.tableName).execute();
  }
}

/** Every content type but the bootstrapped ones: what --force replaces. */
export function allContentTypes(schema: Schema): Set<string> {
  return new Set(schema.contentTypes.keys());
}

/**
 * Rows keep the exporting database's ids, so PostgreSQL's identity sequences must move past them (SQLite's
 * autoincrement already follows explicit ids). Run once the rows are in.
 */
export async function advanceSequences(database: Database, tables: Iterable<string>): Promise<void> {
  if (database.kind !== 'postgres') return;
  for (const table of tables) {
    const quoted = `"${table.replaceAll('"', '""')}"`;
    await sql`select setval(pg_get_serial_sequence(${quoted}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1))`.execute(
      database.db,
    );
  }
}
