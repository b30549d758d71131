import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import { integerLiteral, statusCondition } from '../query/compile.js';
import type { Status } from '../query/types.js';
import type { ContentType, ScalarAttribute } from '../schema/model.js';
import { copyComponents, copyOwnedLinks, deleteRows } from '../schema/row-trees.js';
import { rowSerializer, type Document } from './serialize.js';

/** Row-level building blocks shared by the write operations. */

/**
 * The rows one document operation addresses: a document's, in one locale when its type is localized
 * (locale null otherwise: such rows have no locale).
 */
export interface DocumentRef {
  readonly documentId: string;
  readonly locale: string | null;
}

export function documentRef(type: ContentType, documentId: string, locale?: string): DocumentRef {
  if (type.localized && locale === undefined) throw new Error(`${type.uid} is localized: a locale is needed`);
  return { documentId, locale: type.localized ? locale! : null };
}

/**
 * A document's version in `locale`, or in the default locale when none is named (of a localized type;
 * other types have one version): what the operations addressing a document by id alone act on.
 */
export function versionRef(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  locale?: string,
): DocumentRef {
  return documentRef(type, documentId, type.localized ? (locale ?? ctx.defaultLocale()) : undefined);
}

/** `document_id = … [and locale = …]` on the rows of `alias` (or the unaliased table). */
export function refCondition(ref: DocumentRef, alias?: string): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  return ref.locale === null
    ? sql<SqlBool>`${column('document_id')} = ${ref.documentId}`
    : sql<SqlBool>`${column('document_id')} = ${ref.documentId} and ${column('locale')} = ${ref.locale}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}

function scalarColumns(type: ContentType): string[] {
  const columns: string[] = [];
  for (const attribute of type.attributes.values())
    if (attribute.kind === 'scalar') columns.push(attribute.column);
  return columns;
}

export function toColumns(
  ctx: CoreContext,
  values: ReadonlyMap<ScalarAttribute, unknown>,
): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [attribute, value] of values)
    columns[attribute.column] = ctx.database.dialect.toDb(attribute.storage, value);
  return columns;
}

export async function insertRow(
  trx: Executor,
  table: string,
  columns: Record<string, unknown>,
): Promise<number> {
  const row = await trx.insertInto(table).values(columns).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The row of one status of a document, with every column (private ones included): for internal use. */
export async function findRow(
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  status: Status,
): Promise<Record<string, unknown> | undefined> {
  return trx
    .selectFrom(`${type.tableName} as t`)
    .selectAll()
    .where(refCondition(ref, 't'))
    .where(statusCondition(status, 't'))
    .limit(integerLiteral(1))
    .executeTakeFirst();
}

/** The first row of a status (in a locale, for a localized type): single types hold one document. */
export async function findFirstRow(
  trx: Executor,
  type: ContentType,
  status: Status,
  locale: string | null,
): Promise<Record<string, unknown> | undefined> {
  return trx
    .selectFrom(`${type.tableName} as t`)
    .selectAll()
    .where(statusCondition(status, 't'))
    .$if(locale !== null, (qb) => qb.where('t.locale', '=', locale))
    .orderBy('t.id')
    .limit(integerLiteral(1))
    .executeTakeFirst();
}

/**
 * Publishing replaces the published row with a copy of the draft (so the published row gets a new id,
 * as in Strapi), with copies of the draft's relations and component trees. Returns the new row's id.
 * `firstPublish` lists the relational attributes a just-created draft holds: there is no previous
 * published row to remove, and only those attributes have anything to copy.
 */
export async function publishDraft(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  draftId: number,
  ref: DocumentRef,
  now: string,
  firstPublish?: ReadonlySet<string>,
): Promise<number> {
  const schema = ctx.schema();
  if (!firstPublish) {
    const previous = await trx
      .selectFrom(type.tableName)
      .select('id')
      .where(refCondition(ref))
      .where('published_at', 'is not', null)
      .execute();
    await deleteRows(
      trx,
      schema,
      type,
      previous.map((row) => Number(row.id)),
    );
  }
  const columns = [
    'document_id',
    'created_at',
    'updated_at',
    'created_by_id',
    'updated_by_id',
    'locale',
    ...scalarColumns(type),
  ].map((c) => sql.id(c));
  const table = sql.id(type.tableName);
  // The cast types the parameter: in a select list PostgreSQL would otherwise read it as text.
  const publishedAt = sql`cast(${now} as ${sql.raw(ctx.database.dialect.columnType('datetime'))})`;
  const { rows } = await sql<{ id: number }>`insert into ${table} (${sql.join(columns)}, published_at)
    select ${sql.join(columns)}, ${publishedAt} from ${table} where id = ${draftId} returning id`.execute(
    trx,
  );
  const publishedId = Number(rows[0].id);
  await copyOwnedLinks(trx, schema, type.uid, draftId, publishedId, firstPublish);
  await copyComponents(trx, schema, type, draftId, publishedId, firstPublish);
  return publishedId;
}

/** Reads one row as an API document with the requested fields. */
export async function readDocument(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  id: number,
  fields: readonly ScalarAttribute[],
): Promise<Document> {
  const { dialect } = ctx.database;
  const row = await trx
    .selectFrom(`${type.tableName} as t`)
    .select(fields.map((f) => dialect.selectColumn('t', f.column, f.storage, f.name)))
    .where('t.id', '=', id)
    .executeTakeFirstOrThrow();
  return rowSerializer(dialect, fields)(row as Record<string, unknown>);
}
