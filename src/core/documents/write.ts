import { createId } from '@paralleldrive/cuid2';
import type { Executor } from '../../db/types.js';
import type { AccessScope } from '../access.js';
import type { CoreContext } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parseSingleQuery } from '../query/parse.js';
import type { FindQuery } from '../query/types.js';
import type { ContentType } from '../schema/model.js';
import { deleteRows } from '../schema/row-trees.js';
import { writeRowRelations } from './component-write.js';
import { withDbErrors } from './db-errors.js';
import { checkPublishable, checkUnique, readInput, type WriteInput } from './input.js';
import { compilePopulate, runPopulate } from './populate-reads.js';
import { checkStoredComponents } from './publish-checks.js';
import { deleteInboundLinks, syncInverseLinks, writeInverseLinks } from './relation-write.js';
import { findFirstRow, findRow, insertRow, nowIso, publishDraft, readDocument, toColumns } from './rows.js';
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
  const publish = publishes(type, query);
  const input = await readInput(ctx, type, options.data, 'create', { publish, scope: access.scope });

  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const documentId = createId();
      const id = await insertDocument(ctx, trx, type, documentId, input, publish, access);
      // The authors first: an admin's own-documents condition is on created_by_id.
      await recordAuthors(trx, type, documentId, authorColumns(options.actor));
      await requireWithinConditions(ctx, trx, type, documentId, access);
      await emitEvents(ctx, trx, type, documentId, writeEvents(type, 'entry.create', publish), options.event);
      return respond(ctx, trx, type, id, query);
    }),
  );
}

/** Inserts a new document's rows; returns the id of the row of the status the caller asked for. */
async function insertDocument(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentId: string,
  input: WriteInput,
  publish: boolean,
  access: ResolvedAccess,
): Promise<number> {
  const now = nowIso();
  const base = { document_id: documentId, created_at: now, updated_at: now, ...toColumns(ctx, input.values) };
  const status = type.draftAndPublish ? 'draft' : 'published';
  await checkUnique(ctx, trx, type, input.values, status, documentId);
  const rowId = await insertRow(trx, type.tableName, {
    ...base,
    published_at: type.draftAndPublish ? null : now,
  });
  await writeRelations(ctx, trx, type, rowId, documentId, input, publish, access, true);
  if (!type.draftAndPublish || !publish) return rowId;
  await checkUnique(ctx, trx, type, input.values, 'published', documentId);
  const written = new Set([
    ...input.relations.map((change) => change.attribute.name),
    ...input.components.map((change) => change.field),
  ]);
  return publishDraft(ctx, trx, type, rowId, documentId, now, written);
}

async function writeRelations(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  rowId: number,
  documentId: string,
  input: WriteInput,
  publish: boolean,
  access: ResolvedAccess,
  fresh = false,
): Promise<void> {
  const schema = ctx.schema();
  await writeRowRelations(ctx, trx, schema, type, rowId, input, fresh, access);
  for (const change of input.relations)
    if (change.view.side === 'inverse')
      await writeInverseLinks(ctx, trx, documentId, change, publish, access);
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
    const plan = compilePopulate(ctx.database, query.populate, query.status);
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
  const publish = publishes(type, query);
  const input = await readInput(ctx, type, options.data, 'update', { publish, scope: access.scope });

  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const status = type.draftAndPublish ? 'draft' : 'published';
      const current = await findRow(trx, type, documentId, status);
      // A document outside the caller's conditions is, for them, a document that does not exist.
      if (!current || !(await matchesConditions(ctx, trx, type, documentId, status, access))) return null;
      const id = await updateRows(ctx, trx, type, current, input, publish, access);
      await recordAuthors(
        trx,
        type,
        documentId,
        authorColumns(options.actor, current, publish && type.draftAndPublish),
      );
      await requireWithinConditions(ctx, trx, type, documentId, access);
      await emitEvents(ctx, trx, type, documentId, writeEvents(type, 'entry.update', publish), options.event);
      return respond(ctx, trx, type, id, query);
    }),
  );
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
  documentId: string,
  columns: Record<string, number | null> | undefined,
): Promise<void> {
  if (!columns) return;
  await trx.updateTable(type.tableName).set(columns).where('document_id', '=', documentId).execute();
}

/**
 * A write must leave the document inside the caller's conditions (outsideAfterWrite). Checked inside
 * the transaction, so a refused write changes nothing.
 */
async function requireWithinConditions(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentId: string,
  access: ResolvedAccess,
): Promise<void> {
  if (!access.conditions) return;
  if (!(await matchesConditions(ctx, trx, type, documentId, writeStatus(type), access)))
    throw outsideAfterWrite();
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
  const documentId = current.document_id as string;
  const id = Number(current.id);
  if (publish) checkPublishable(type, input.values, current);
  await checkUnique(ctx, trx, type, input.values, type.draftAndPublish ? 'draft' : 'published', documentId);
  const now = nowIso();
  await trx
    .updateTable(type.tableName)
    .set({ ...toColumns(ctx, input.values), updated_at: now })
    .where('id', '=', id)
    .execute();
  await writeRelations(ctx, trx, type, id, documentId, input, publish, access);
  if (!type.draftAndPublish || !publish) return id;
  return publishStoredDraft(ctx, trx, type, current, input.values, now);
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
  const documentId = draft.document_id as string;
  const id = Number(draft.id);
  await checkStoredComponents(trx, ctx.schema(), type, id);
  await syncInverseLinks(trx, ctx.schema(), type, documentId);
  // Publishing copies the whole draft, so every unique value of the draft must be free among published rows.
  const draftValues = new Map(changed);
  for (const attribute of type.attributes.values()) {
    if (attribute.kind === 'scalar' && attribute.unique && !draftValues.has(attribute)) {
      draftValues.set(attribute, ctx.database.dialect.fromDb(attribute.storage, draft[attribute.column]));
    }
  }
  await checkUnique(ctx, trx, type, draftValues, 'published', documentId);
  return publishDraft(ctx, trx, type, id, documentId, now);
}

/**
 * Deletes every row of the document (draft and published). Deleting a missing document is not an
 * error; the answer says whether there was one (one outside the caller's conditions is not one).
 */
export async function deleteDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  options: DeleteOptions,
): Promise<boolean> {
  const access = resolveAccess(ctx, type, options.access);
  rejectDraftDelete(access, type, options.params);
  return writeTransaction(ctx, type.uid, async (trx) => {
    const rows = await trx
      .selectFrom(type.tableName)
      .select('id')
      .where('document_id', '=', documentId)
      .execute();
    if (rows.length === 0) return false;
    const status = writeStatus(type);
    if (!(await matchesConditions(ctx, trx, type, documentId, status, access))) return false;
    // The entry of entry.delete is the document as it was: its published version, else its draft.
    const entry =
      (await entrySnapshot(ctx, trx, type, documentId, 'published')) ??
      (await entrySnapshot(ctx, trx, type, documentId, 'draft'));
    await deleteRows(
      trx,
      ctx.schema(),
      type,
      rows.map((row) => Number(row.id)),
    );
    await deleteInboundLinks(trx, ctx.schema(), type, documentId);
    if (entry)
      await emitEvents(ctx, trx, type, documentId, [{ event: 'entry.delete', status, entry }], options.event);
    return true;
  });
}

function rejectDraftDelete(access: ResolvedAccess, type: ContentType, params: unknown): void {
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
}

/** PUT /api/:singular — creates the single type's document or updates it; publishes unless status=draft. */
export async function upsertSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  options: WriteOptions,
): Promise<Document> {
  const access = resolveAccess(ctx, type, options.access);
  const query = parseSingleQuery(access.scope, type, options.params);
  const publish = publishes(type, query);
  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const status = type.draftAndPublish ? 'draft' : 'published';
      const current = await findFirstRow(trx, type, status);
      if (
        current &&
        !(await matchesConditions(ctx, trx, type, current.document_id as string, status, access))
      ) {
        throw new NotFoundError();
      }
      const input = await readInput(ctx, type, options.data, current ? 'update' : 'create', {
        publish,
        scope: access.scope,
      });
      let id: number;
      const documentId = current ? (current.document_id as string) : createId();
      if (current) {
        id = await updateRows(ctx, trx, type, current, input, publish, access);
      } else {
        id = await insertDocument(ctx, trx, type, documentId, input, publish, access);
      }
      await recordAuthors(
        trx,
        type,
        documentId,
        authorColumns(options.actor, current, publish && type.draftAndPublish),
      );
      // As for collection types: the written document must be inside the caller's conditions.
      await requireWithinConditions(ctx, trx, type, documentId, access);
      await emitEvents(
        ctx,
        trx,
        type,
        documentId,
        writeEvents(type, current ? 'entry.update' : 'entry.create', publish),
        options.event,
      );
      return respond(ctx, trx, type, id, query);
    }),
  );
}

/** DELETE /api/:singular. Says whether there was a document (for the caller) to delete. */
export async function deleteSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  options: DeleteOptions,
): Promise<boolean> {
  const access = resolveAccess(ctx, type, options.access);
  rejectDraftDelete(access, type, options.params);
  return writeTransaction(ctx, type.uid, async (trx) => {
    const rows = await trx.selectFrom(type.tableName).select(['id', 'document_id']).execute();
    const status = writeStatus(type);
    const documentId = rows[0]?.document_id as string | undefined;
    if (!documentId) return false;
    if (!(await matchesConditions(ctx, trx, type, documentId, status, access))) return false;
    const entry =
      (await entrySnapshot(ctx, trx, type, documentId, 'published')) ??
      (await entrySnapshot(ctx, trx, type, documentId, 'draft'));
    await deleteRows(
      trx,
      ctx.schema(),
      type,
      rows.map((row) => Number(row.id)),
    );
    for (const documentId of new Set(rows.map((row) => row.document_id as string)))
      await deleteInboundLinks(trx, ctx.schema(), type, documentId);
    if (entry)
      await emitEvents(ctx, trx, type, documentId, [{ event: 'entry.delete', status, entry }], options.event);
    return true;
  });
}
