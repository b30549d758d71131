import { createId } from '@paralleldrive/cuid2';
import { sql } from 'kysely';
import type { Executor } from '../../db/types.js';
import type { AccessScope } from '../access.js';
import type { CoreContext } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parseSingleQuery } from '../query/parse.js';
import type { FindQuery } from '../query/types.js';
import type { ContentType, ScalarAttribute } from '../schema/model.js';
import { copyComponents, deleteComponents, deleteRows } from '../schema/row-trees.js';
import { ALL_LOCALES, writeLocale } from '../query/locale.js';
import { writeRowRelations } from './component-write.js';
import { withDbErrors } from './db-errors.js';
import { checkPublishable, checkUnique, readInput, type WriteInput } from './input.js';
import { compilePopulate, runPopulate } from './populate-reads.js';
import { checkStoredComponents } from './publish-checks.js';
import { deleteInboundLinks, syncInverseLinks, writeInverseLinks } from './relation-write.js';
import {
  documentRef,
  findFirstRow,
  findRow,
  insertRow,
  nowIso,
  publishDraft,
  readDocument,
  refCondition,
  toColumns,
  type DocumentRef,
} from './rows.js';
import type { Document } from './serialize.js';
import { writeTransaction } from './transaction.js';
import { emitEvents, entrySnapshot, type DocumentEvent, type EventContext } from './events.js';
import type { Status } from '../query/types.js';
import {
  matchesConditions,
  outsideAfterWrite,
  resolveAccess,
  writeStatus,
  type ResolvedAccess,
} from './access-checks.js';

/**
 * The write operations behind POST/PUT/DELETE (and every other API that writes documents). Each is a
 * straight pipeline: parse the query, validate the body, one transaction for the rows, their relations
 * and components, read back. REST writes publish unless `status=draft`, as Strapi v5 does.
 */
export interface WriteOptions {
  readonly data: unknown;
  /** The request's query parameters (status, fields, populate). */
  readonly params: unknown;
  /** What the caller may see and touch (default: everything). */
  readonly access?: AccessScope;
  /** The admin behind the write, recorded in created_by_id / updated_by_id (never returned by the API). */
  readonly actor?: { readonly adminId: number };
  /** The request behind the write, carried by its events (webhooks get its X-Request-Id and traceparent). */
  readonly event?: EventContext;
}

export interface DeleteOptions {
  readonly params: unknown;
  readonly access?: AccessScope;
  readonly event?: EventContext;
}

/** The events of a write, as Strapi emits them: a create or update, then a publish when it publishes. */
function writeEvents(
  type: ContentType,
  kind: 'entry.create' | 'entry.update',
  publish: boolean,
): { event: DocumentEvent; status: Status }[] {
  if (!type.draftAndPublish) return [{ event: kind, status: 'published' }];
  return publish
    ? [
        { event: kind, status: 'draft' },
        { event: 'entry.publish', status: 'published' },
      ]
    : [{ event: kind, status: 'draft' }];
}

function publishes(type: ContentType, query: FindQuery): boolean {
  return !type.draftAndPublish || query.status === 'published';
}

export async function createDocument(
  ctx: CoreContext,
  type: ContentType,
  options: WriteOptions,
): Promise<Document> {
  const access = resolveAccess(ctx, type, options.access);
  const query = parseSingleQuery(access.scope, type, options.params);
  // The locale is the query's; one in the body is not read (Strapi ignores it: create-body-data-locale-fr.json).
  const locale = writeLocale(query.locale);
  const publish = publishes(type, query);
  const input = await readInput(ctx, type, options.data, 'create', { publish, scope: access.scope });

  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const ref = documentRef(type, createId(), locale);
      const id = await insertDocument(ctx, trx, type, ref, input, publish, access);
      // The authors first: an admin's own-documents condition is on created_by_id.
      await recordAuthors(trx, type, ref, authorColumns(options.actor));
      await requireWithinConditions(ctx, trx, type, ref, access);
      await emitEvents(ctx, trx, type, ref, writeEvents(type, 'entry.create', publish), options.event);
      return respond(ctx, trx, type, id, query);
    }),
  );
}

/**
 * Inserts the rows of a new document, or of a new locale of one (`sharedFrom`: a row of another locale
 * whose shared components the new version takes, when the write does not set them); returns the id of
 * the row of the status the caller asked for.
 */
async function insertDocument(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  input: WriteInput,
  publish: boolean,
  access: ResolvedAccess,
  sharedFrom?: number,
): Promise<number> {
  const now = nowIso();
  const base = {
    document_id: ref.documentId,
    created_at: now,
    updated_at: now,
    ...(ref.locale === null ? {} : { locale: ref.locale }),
    ...toColumns(ctx, input.values),
  };
  const status = type.draftAndPublish ? 'draft' : 'published';
  await checkUnique(ctx, trx, type, input.values, status, ref);
  const rowId = await insertRow(trx, type.tableName, {
    ...base,
    published_at: type.draftAndPublish ? null : now,
  });
  await writeRelations(ctx, trx, type, rowId, ref, input, publish, access, true);
  const written = new Set([
    ...input.relations.map((change) => change.attribute.name),
    ...input.components.map((change) => change.field),
  ]);
  if (sharedFrom !== undefined) {
    const copied = new Set(sharedComponentFields(type).filter((field) => !written.has(field)));
    if (copied.size) await copyComponents(trx, ctx.schema(), type, sharedFrom, rowId, copied);
    for (const field of copied) written.add(field);
  }
  if (!type.draftAndPublish || !publish) return rowId;
  await checkUnique(ctx, trx, type, input.values, 'published', ref);
  return publishDraft(ctx, trx, type, rowId, ref, now, written);
}

/** The component and dynamic zone attributes every locale of a document shares. */
function sharedComponentFields(type: ContentType): string[] {
  return type.shared.filter((a) => a.kind === 'component' || a.kind === 'dynamiczone').map((a) => a.name);
}

/** The scalar attributes every locale of a document shares. */
function sharedScalars(type: ContentType): ScalarAttribute[] {
  return type.shared.filter((a): a is ScalarAttribute => a.kind === 'scalar');
}

/**
 * After a write of one locale, the other locales of the document take the shared values it set
 * (`localized: false` attributes: scalars and component trees), in the rows of the statuses it wrote: a
 * draft-only write reaches the other drafts, a write that publishes their drafts and published rows.
 * (Strapi syncs only the rows of the status the write answers with, so after a publishing write the
 * other locales' drafts keep the old value and bring it back when published: see
 * docs/strapi-differences.md.)
 */
async function syncSharedValues(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  input: WriteInput,
  publish: boolean,
): Promise<void> {
  if (!type.localized || ref.locale === null) return;
  const scalars = sharedScalars(type).filter((attribute) => input.values.has(attribute));
  const shared = new Set(sharedComponentFields(type));
  const components = input.components.map((change) => change.field).filter((field) => shared.has(field));
  if (scalars.length === 0 && components.length === 0) return;
  const statuses: Status[] = !type.draftAndPublish
    ? ['published']
    : publish
      ? ['draft', 'published']
      : ['draft'];
  for (const status of statuses) {
    const others = await trx
      .selectFrom(type.tableName)
      .select('id')
      .where('document_id', '=', ref.documentId)
      .where('locale', '<>', ref.locale)
      .where('published_at', status === 'draft' ? 'is' : 'is not', null)
      .execute();
    if (others.length === 0) continue;
    const ids = others.map((row) => Number(row.id));
    if (scalars.length) {
      const values = new Map(scalars.map((attribute) => [attribute, input.values.get(attribute)]));
      await trx.updateTable(type.tableName).set(toColumns(ctx, values)).where('id', 'in', ids).execute();
    }
    if (components.length) {
      const source = await findRow(trx, type, ref, status);
      if (!source) continue;
      const fields = new Set(components);
      await deleteComponents(trx, ctx.schema(), type, ids, fields);
      for (const id of ids) await copyComponents(trx, ctx.schema(), type, Number(source.id), id, fields);
    }
  }
}

/**
 * A version of the document in another locale to start a new locale from (its published row when it
 * has one, as Strapi copies shared values from it: put-a9-fr-creates-locale.json), or undefined.
 */
async function otherLocaleRow(
  trx: Executor,
  type: ContentType,
  documentId: string,
): Promise<Record<string, unknown> | undefined> {
  return trx
    .selectFrom(type.tableName)
    .selectAll()
    .where('document_id', '=', documentId)
    .orderBy(sql`case when published_at is null then 1 else 0 end`)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The body of a write creating a new locale, with the shared scalar values of `from` (another locale's
 * row) filled in where the body does not give them, so the new version starts with what every locale
 * shares and is checked as a whole.
 */
async function withSharedValues(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  data: unknown,
  from: Record<string, unknown>,
): Promise<unknown> {
  const scalars = sharedScalars(type).filter(
    (attribute) => attribute.writable && attribute.type !== 'password',
  );
  if (!scalars.length || typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const shared = await readDocument(ctx, trx, type, Number(from.id), scalars);
  const filled: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const attribute of scalars)
    if (!(attribute.name in filled) && shared[attribute.name] !== null)
      filled[attribute.name] = shared[attribute.name];
  return filled;
}

async function writeRelations(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  rowId: number,
  ref: DocumentRef,
  input: WriteInput,
  publish: boolean,
  access: ResolvedAccess,
  fresh = false,
): Promise<void> {
  const schema = ctx.schema();
  await writeRowRelations(ctx, trx, schema, type, rowId, input, fresh, access, ref.locale);
  for (const change of input.relations)
    if (change.view.side === 'inverse') await writeInverseLinks(ctx, trx, ref, change, publish, access);
}

/** The response of a write: the row with the requested fields and populate. */
async function respond(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  id: number,
  query: FindQuery,
): Promise<Document> {
  const document = await readDocument(ctx, trx, type, id, query.fields);
  if (query.populate.length) {
    const plan = compilePopulate(ctx.database, query.populate, query);
    await runPopulate({ ...ctx, database: { ...ctx.database, db: trx } }, plan, [document], {
      maxDocuments: ctx.limits.maxPopulatedDocuments,
    });
  }
  return document;
}

/** Returns null when the document does not exist. */
export async function updateDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  options: WriteOptions,
): Promise<Document | null> {
  const access = resolveAccess(ctx, type, options.access);
  const query = parseSingleQuery(access.scope, type, options.params);
  const locale = writeLocale(query.locale);
  const publish = publishes(type, query);
  const input = await readInput(ctx, type, options.data, 'update', { publish, scope: access.scope });

  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const ref = documentRef(type, documentId, locale);
      const status = type.draftAndPublish ? 'draft' : 'published';
      const current = await findRow(trx, type, ref, status);
      if (!current) {
        if (!type.localized) return null;
        return addLocale(ctx, trx, type, ref, options, query, publish, access);
      }
      // A document outside the caller's conditions is, for them, a document that does not exist.
      if (!(await matchesConditions(ctx, trx, type, ref, status, access))) return null;
      const id = await updateRows(ctx, trx, type, current, input, publish, access);
      await syncSharedValues(ctx, trx, type, ref, input, publish);
      await recordAuthors(
        trx,
        type,
        ref,
        authorColumns(options.actor, current, publish && type.draftAndPublish),
      );
      await requireWithinConditions(ctx, trx, type, ref, access);
      await emitEvents(ctx, trx, type, ref, writeEvents(type, 'entry.update', publish), options.event);
      return respond(ctx, trx, type, id, query);
    }),
  );
}

/**
 * `PUT …/:documentId?locale=fr` on a document without a French version creates it (Strapi answers 200:
 * put-a9-fr-creates-locale.json), starting from the values every locale shares; null when the document
 * has no version at all (or none the caller may update).
 */
async function addLocale(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  options: WriteOptions,
  query: FindQuery,
  publish: boolean,
  access: ResolvedAccess,
): Promise<Document | null> {
  const from = await otherLocaleRow(trx, type, ref.documentId);
  if (!from) return null;
  const fromStatus: Status = from.published_at === null ? 'draft' : 'published';
  const fromRef = documentRef(type, ref.documentId, from.locale as string);
  if (!(await matchesConditions(ctx, trx, type, fromRef, fromStatus, access))) return null;
  const data = await withSharedValues(ctx, trx, type, options.data, from);
  const input = await readInput(ctx, type, data, 'create', { publish, scope: access.scope });
  const id = await insertDocument(ctx, trx, type, ref, input, publish, access, Number(from.id));
  await syncSharedValues(ctx, trx, type, ref, input, publish);
  await recordAuthors(trx, type, ref, authorColumns(options.actor));
  await requireWithinConditions(ctx, trx, type, ref, access);
  await emitEvents(ctx, trx, type, ref, writeEvents(type, 'entry.create', publish), options.event);
  return respond(ctx, trx, type, id, query);
}

/**
 * created_by_id / updated_by_id: the admins behind a document's first and latest write. Publishing
 * copies the draft row without them, so after a write they are set on every row of the document —
 * only when there is something to record, so writes of documents no admin touched cost nothing more.
 */
function authorColumns(
  actor: WriteOptions['actor'],
  current?: Record<string, unknown>,
  republished = false,
): Record<string, number | null> | undefined {
  const createdBy = current ? ((current.created_by_id as number | null) ?? null) : (actor?.adminId ?? null);
  const updatedBy = actor?.adminId ?? (current?.updated_by_id as number | null) ?? null;
  if (createdBy === null && updatedBy === null) return undefined;
  if (!actor && !republished) return undefined;
  return { created_by_id: createdBy, updated_by_id: updatedBy };
}

async function recordAuthors(
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  columns: Record<string, number | null> | undefined,
): Promise<void> {
  if (!columns) return;
  await trx.updateTable(type.tableName).set(columns).where(refCondition(ref)).execute();
}

/**
 * A write must leave the document inside the caller's conditions (outsideAfterWrite). Checked inside
 * the transaction, so a refused write changes nothing.
 */
async function requireWithinConditions(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  access: ResolvedAccess,
): Promise<void> {
  if (!access.conditions) return;
  if (!(await matchesConditions(ctx, trx, type, ref, writeStatus(type), access))) throw outsideAfterWrite();
}

async function updateRows(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  current: Record<string, unknown>,
  input: WriteInput,
  publish: boolean,
  access: ResolvedAccess,
): Promise<number> {
  const ref = rowRef(type, current);
  const id = Number(current.id);
  if (publish) checkPublishable(type, input.values, current);
  await checkUnique(ctx, trx, type, input.values, type.draftAndPublish ? 'draft' : 'published', ref);
  const now = nowIso();
  await trx
    .updateTable(type.tableName)
    .set({ ...toColumns(ctx, input.values), updated_at: now })
    .where('id', '=', id)
    .execute();
  await writeRelations(ctx, trx, type, id, ref, input, publish, access);
  if (!type.draftAndPublish || !publish) return id;
  return publishStoredDraft(ctx, trx, type, current, input.values, now);
}

/** The document (and locale) a row belongs to. */
function rowRef(type: ContentType, row: Record<string, unknown>): DocumentRef {
  return documentRef(type, row.document_id as string, (row.locale as string | null) ?? undefined);
}

/**
 * Publishes a document's stored draft (`draft` is its row as read before any update in this
 * transaction; `changed` the values this write set): the draft's components must be complete, every
 * unique value must be free among published rows, then the published row is replaced by a copy.
 */
export async function publishStoredDraft(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  draft: Record<string, unknown>,
  changed: WriteInput['values'],
  now: string,
): Promise<number> {
  const ref = rowRef(type, draft);
  const id = Number(draft.id);
  await checkStoredComponents(trx, ctx.schema(), type, id);
  await syncInverseLinks(trx, ctx.schema(), type, ref);
  // Publishing copies the whole draft, so every unique value of the draft must be free among published rows.
  const draftValues = new Map(changed);
  for (const attribute of type.attributes.values()) {
    if (attribute.kind === 'scalar' && attribute.unique && !draftValues.has(attribute)) {
      draftValues.set(attribute, ctx.database.dialect.fromDb(attribute.storage, draft[attribute.column]));
    }
  }
  await checkUnique(ctx, trx, type, draftValues, 'published', ref);
  return publishDraft(ctx, trx, type, id, ref, now);
}

/**
 * Deletes a document's version in the request's locale (the default one without `locale`; every locale
 * with `locale=*`), draft and published, as Strapi 5 does (delete-a8-no-locale.json: the other locales
 * stay). Deleting a missing document is not an error; the answer says whether there was one (one
 * outside the caller's conditions is not one). Links other documents hold to it go with its last locale.
 */
export async function deleteDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  options: DeleteOptions,
): Promise<boolean> {
  const access = resolveAccess(ctx, type, options.access);
  const query = rejectDraftDelete(access, type, options.params);
  return writeTransaction(ctx, type.uid, async (trx) => {
    const rows = await trx
      .selectFrom(type.tableName)
      .select(['id', 'locale'])
      .where('document_id', '=', documentId)
      .$if(type.localized && query.locale !== ALL_LOCALES, (qb) => qb.where('locale', '=', query.locale!))
      .execute();
    return deleteVersions(ctx, trx, type, documentId, rows, access, options.event);
  });
}

/** Deletes `rows` (of one document), locale by locale, within the caller's conditions; emits entry.delete per locale. */
async function deleteVersions(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentId: string,
  rows: readonly Record<string, unknown>[],
  access: ResolvedAccess,
  event: EventContext | undefined,
): Promise<boolean> {
  const status = writeStatus(type);
  let deleted = false;
  const locales = [...new Set(rows.map((row) => (row.locale as string | null) ?? null))];
  for (const locale of locales) {
    const ref = documentRef(type, documentId, locale ?? undefined);
    if (!(await matchesConditions(ctx, trx, type, ref, status, access))) continue;
    // The entry of entry.delete is the version as it was: its published row, else its draft.
    const entry =
      (await entrySnapshot(ctx, trx, type, ref, 'published')) ??
      (await entrySnapshot(ctx, trx, type, ref, 'draft'));
    const ids = rows
      .filter((row) => ((row.locale as string | null) ?? null) === locale)
      .map((row) => Number(row.id));
    await deleteRows(trx, ctx.schema(), type, ids);
    if (entry) await emitEvents(ctx, trx, type, ref, [{ event: 'entry.delete', status, entry }], event);
    deleted = true;
  }
  const left = await trx
    .selectFrom(type.tableName)
    .select('id')
    .where('document_id', '=', documentId)
    .limit(1)
    .executeTakeFirst();
  if (deleted && !left) await deleteInboundLinks(trx, ctx.schema(), type, documentId);
  return deleted;
}

function rejectDraftDelete(access: ResolvedAccess, type: ContentType, params: unknown): FindQuery {
  const query = parseSingleQuery(access.scope, type, params);
  if (
    type.draftAndPublish &&
    query.status === 'draft' &&
    (params as { status?: unknown })?.status !== undefined
  ) {
    throw new ValidationError(
      'Cannot delete a draft document: a delete removes the draft and the published version together',
    );
  }
  return query;
}

/** PUT /api/:singular — creates the single type's document or updates it; publishes unless status=draft. */
export async function upsertSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  options: WriteOptions,
): Promise<Document> {
  const access = resolveAccess(ctx, type, options.access);
  const query = parseSingleQuery(access.scope, type, options.params);
  const locale = writeLocale(query.locale);
  const publish = publishes(type, query);
  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const status = type.draftAndPublish ? 'draft' : 'published';
      const current = await findFirstRow(trx, type, status, locale ?? null);
      // A new locale joins the document the other locales are versions of (homepage-put-de-creates.json).
      const other = !current && type.localized ? await firstOtherLocale(trx, type) : undefined;
      const documentId = ((current ?? other)?.document_id as string | undefined) ?? createId();
      const ref = documentRef(type, documentId, locale);
      if (current && !(await matchesConditions(ctx, trx, type, ref, status, access)))
        throw new NotFoundError();
      const data = other ? await withSharedValues(ctx, trx, type, options.data, other) : options.data;
      const input = await readInput(ctx, type, data, current ? 'update' : 'create', {
        publish,
        scope: access.scope,
      });
      const id = current
        ? await updateRows(ctx, trx, type, current, input, publish, access)
        : await insertDocument(ctx, trx, type, ref, input, publish, access, other && Number(other.id));
      await syncSharedValues(ctx, trx, type, ref, input, publish);
      await recordAuthors(
        trx,
        type,
        ref,
        authorColumns(options.actor, current, publish && type.draftAndPublish),
      );
      // As for collection types: the written document must be inside the caller's conditions.
      await requireWithinConditions(ctx, trx, type, ref, access);
      await emitEvents(
        ctx,
        trx,
        type,
        ref,
        writeEvents(type, current ? 'entry.update' : 'entry.create', publish),
        options.event,
      );
      return respond(ctx, trx, type, id, query);
    }),
  );
}

/** A row of any locale of a localized single type's document (its published one first). */
async function firstOtherLocale(
  trx: Executor,
  type: ContentType,
): Promise<Record<string, unknown> | undefined> {
  const row = await trx
    .selectFrom(type.tableName)
    .select('document_id')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? otherLocaleRow(trx, type, row.document_id as string) : undefined;
}

/** DELETE /api/:singular (the request's locale, as deleteDocument). Says whether there was a document (for the caller) to delete. */
export async function deleteSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  options: DeleteOptions,
): Promise<boolean> {
  const access = resolveAccess(ctx, type, options.access);
  const query = rejectDraftDelete(access, type, options.params);
  return writeTransaction(ctx, type.uid, async (trx) => {
    const rows = await trx
      .selectFrom(type.tableName)
      .select(['id', 'document_id', 'locale'])
      .$if(type.localized && query.locale !== ALL_LOCALES, (qb) => qb.where('locale', '=', query.locale!))
      .execute();
    let deleted = false;
    for (const documentId of new Set(rows.map((row) => row.document_id as string))) {
      const own = rows.filter((row) => row.document_id === documentId);
      if (await deleteVersions(ctx, trx, type, documentId, own, access, options.event)) deleted = true;
    }
    return deleted;
  });
}
