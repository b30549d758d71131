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
 * Files no entry uses (no media link points at them, in any content type or component, and no rich text
 * or blocks value mentions them) that are older than `graceMs`: uploads that were never attached. One
 * statement with a `not exists` per media link table and per rich-text or blocks column.
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
  // Rich text and blocks embed images by URL, not by link: a file whose hash appears in one is in use.
  // (`_` in a hash is a LIKE wildcard: that can only keep more files, never fewer.)
  for (const { table, column } of embeddingColumns(schema)) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom(`${table} as e`)
            .select(sql.lit(1).as('one'))
            .where(sql<boolean>`cast(${sql.ref(`e.${column}`)} as text) like '%' || f.hash || '%'`),
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

/** Columns whose content may embed a file by its URL: richtext and blocks, in types and components. */
function embeddingColumns(schema: Schema): { table: string; column: string }[] {
  const columns: { table: string; column: string }[] = [];
  for (const model of schema.models())
    for (const attribute of model.attributes.values())
      if (attribute.kind === 'scalar' && (attribute.type === 'richtext' || attribute.type === 'blocks'))
        columns.push({ table: model.tableName, column: attribute.column });
  return columns;
}

/** Whether the file is in use: linked from a media attribute, or mentioned in rich text or blocks. */
export async function isAttached(
  trx: Executor,
  schema: Schema,
  file: { documentId: string; hash: string },
): Promise<boolean> {
  for (const storage of ownedRelations(schema)) {
    if (storage.target.uid !== FILE_UID) continue;
    const link = await trx
      .selectFrom(storage.table)
      .select('source_id')
      .where('target_document_id', '=', file.documentId)
      .limit(1)
      .executeTakeFirst();
    if (link) return true;
  }
  for (const { table, column } of embeddingColumns(schema)) {
    const mention = await trx
      .selectFrom(table)
      .select(sql.lit(1).as('one'))
      .where(sql<boolean>`cast(${sql.ref(column)} as text) like ${`%${file.hash}%`}`)
      .limit(1)
      .executeTakeFirst();
    if (mention) return true;
  }
  return false;
}
