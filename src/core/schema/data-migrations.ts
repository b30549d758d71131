import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { ContentType } from './model.js';
import type { Schema } from './registry.js';
import { copyComponents, copyOwnedLinks, deleteRows } from './row-trees.js';
import { readDefaultLocale } from './default-locale.js';

function dataColumns(type: ContentType): string[] {
  const columns = ['document_id', 'created_at', 'updated_at', 'created_by_id', 'updated_by_id', 'locale'];
  for (const attribute of type.attributes.values())
    if (attribute.kind === 'scalar') columns.push(attribute.column);
  return columns;
}

/** Draft & publish switched on: every (published) document gets its draft row, relations and components included. */
export async function enableDraftAndPublish(trx: Executor, schema: Schema, type: ContentType): Promise<void> {
  const columns = dataColumns(type).map((c) => sql.id(c));
  const table = sql.id(type.tableName);
  const published = await trx
    .selectFrom(type.tableName)
    .select('id')
    .where('published_at', 'is not', null)
    .orderBy('id')
    .execute();
  for (const row of published) {
    const id = Number(row.id);
    const { rows } = await sql<{ id: number }>`insert into ${table} (${sql.join(columns)}, published_at)
      select ${sql.join(columns)}, null from ${table} where id = ${id} returning id`.execute(trx);
    const draftId = Number(rows[0].id);
    await copyOwnedLinks(trx, schema, type.uid, id, draftId);
    await copyComponents(trx, schema, type, id, draftId);
  }
}

/**
 * Draft & publish switched off: a document keeps its published row; a never-published document's
 * draft becomes its published row. Drafts of published documents are deleted with their components.
 */
export async function disableDraftAndPublish(
  trx: Executor,
  schema: Schema,
  type: ContentType,
): Promise<void> {
  const table = sql.id(type.tableName);
  const { rows } = await sql<{ id: number }>`select id from ${table} where published_at is null
    and document_id in (select document_id from ${table} where published_at is not null)`.execute(trx);
  await deleteRows(
    trx,
    schema,
    type,
    rows.map((row) => Number(row.id)),
  );
  await sql`update ${table} set published_at = updated_at where published_at is null`.execute(trx);
}

/** Used when the database holds no default locale yet (the locale seed runs first, so: never at start). */
const FALLBACK_LOCALE = 'en';

/** Localization switched on: every existing row belongs to the default locale. */
export async function enableLocalization(trx: Executor, type: ContentType): Promise<void> {
  const locale = (await readDefaultLocale(trx)) ?? FALLBACK_LOCALE;
  await trx.updateTable(type.tableName).set({ locale }).where('locale', 'is', null).execute();
}

/**
 * Localization switched off: each document keeps its default-locale version (or, when it has none, the
 * version of its oldest row's locale); the other locales' rows go, with their components and links.
 */
export async function disableLocalization(trx: Executor, schema: Schema, type: ContentType): Promise<void> {
  const locale = (await readDefaultLocale(trx)) ?? FALLBACK_LOCALE;
  const table = sql.id(type.tableName);
  const { rows } = await sql<{ id: number }>`select r.id from ${table} as r where r.locale is not null
    and r.locale <> coalesce(
      (select d.locale from ${table} as d where d.document_id = r.document_id and d.locale = ${locale} limit 1),
      (select o.locale from ${table} as o where o.document_id = r.document_id order by o.id limit 1))`.execute(
    trx,
  );
  await deleteRows(
    trx,
    schema,
    type,
    rows.map((row) => Number(row.id)),
  );
  await trx.updateTable(type.tableName).set({ locale: null }).execute();
}
