import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { ContentType } from './model.js';

function dataColumns(type: ContentType): string[] {
  const columns = ['document_id', 'created_at', 'updated_at'];
  for (const attribute of type.attributes.values())
    if (attribute.kind === 'scalar') columns.push(attribute.column);
  return columns;
}

/** Draft & publish switched on: every (published) document gets its draft row. */
export async function enableDraftAndPublish(trx: Executor, type: ContentType): Promise<void> {
  const columns = dataColumns(type).map((c) => sql.id(c));
  const table = sql.id(type.tableName);
  await sql`insert into ${table} (${sql.join(columns)}, published_at)
    select ${sql.join(columns)}, null from ${table} where published_at is not null`.execute(trx);
}

/**
 * Draft & publish switched off: a document keeps its published row; a never-published document's
 * draft becomes its published row. Drafts of published documents are deleted.
 */
export async function disableDraftAndPublish(trx: Executor, type: ContentType): Promise<void> {
  const table = sql.id(type.tableName);
  await sql`delete from ${table} where published_at is null
    and document_id in (select document_id from ${table} where published_at is not null)`.execute(trx);
  await sql`update ${table} set published_at = updated_at where published_at is null`.execute(trx);
}
