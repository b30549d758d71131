import { sql } from 'kysely';
import type { Schema } from '../core/schema/registry.js';
import { ownedRelations } from '../core/schema/relations.js';
import type { Database, Executor } from '../db/types.js';
import { FILE_UID } from './schema.js';

export interface OrphanRow {
  readonly id: number;
  readonly documentId: string;
  readonly createdAt: string;
}

/**
 * Files no entry uses (no media link points at them, in any content type or component) that are older
 * than `graceMs`: uploads that were never attached. One statement with a `not exists` per media table.
 */
export async function findOrphans(
  database: Database,
  schema: Schema,
  graceMs: number,
  limit: number,
): Promise<OrphanRow[]> {
  const files = schema.contentTypes.get(FILE_UID)!;
  const linkTables = ownedRelations(schema)
    .filter((storage) => storage.target.uid === FILE_UID)
    .map((storage) => storage.table);
  let query = database.db
    .selectFrom(`${files.tableName} as f`)
    .select(['f.id', 'f.document_id', 'f.created_at'])
    .where('f.created_at', '<', database.dialect.now(-graceMs))
    .orderBy('f.id')
    .limit(limit);
  for (const table of linkTables) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom(`${table} as l`)
            .select(sql.lit(1).as('one'))
            .whereRef('l.target_document_id', '=', 'f.document_id'),
        ),
      ),
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    id: Number(row.id),
    documentId: row.document_id as string,
    createdAt: database.dialect.fromDb('datetime', row.created_at) as string,
  }));
}

/** Whether any media attribute (of any type or component) links to the file. */
export async function isAttached(trx: Executor, schema: Schema, documentId: string): Promise<boolean> {
  for (const storage of ownedRelations(schema)) {
    if (storage.target.uid !== FILE_UID) continue;
    const link = await trx
      .selectFrom(storage.table)
      .select('source_id')
      .where('target_document_id', '=', documentId)
      .limit(1)
      .executeTakeFirst();
    if (link) return true;
  }
  return false;
}
