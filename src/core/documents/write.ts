import { createId } from '@paralleldrive/cuid2';
import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { parseSingleQuery } from '../query/parse.js';
import type { Status } from '../query/types.js';
import type { ContentType } from '../schema/model.js';
import { checkRequired, checkUnique, readInput } from './input.js';
import { findFirstRow, findRow, insertRow, nowIso, publishDraft, readDocument, toColumns } from './rows.js';
import type { Document } from './serialize.js';
import { withDbErrors } from './db-errors.js';

/**
 * The write operations behind POST/PUT/DELETE (and every other API that writes documents). Each is a
 * straight pipeline: parse the query, validate the body, one transaction for the rows, read back.
 * REST writes publish unless `status=draft`, as Strapi v5 does.
 */
export interface WriteOptions {
  readonly data: unknown;
  /** The request's query parameters (status, fields). */
  readonly params: unknown;
}

function targetStatus(type: ContentType, params: unknown): Status {
  return parseSingleQuery(type, params).status;
}

export async function createDocument(
  ctx: CoreContext,
  type: ContentType,
  options: WriteOptions,
): Promise<Document> {
  const query = parseSingleQuery(type, options.params);
  const input = await readInput(ctx, type, options.data, 'create');
  const publish = !type.draftAndPublish || query.status === 'published';
  if (publish) checkRequired(type, input.values);

  return withDbErrors(type, () =>
    ctx.database.transaction(async (trx) => {
      const id = await insertDocument(ctx, trx, type, createId(), input.values, publish);
      return readDocument(ctx, trx, type, id, query.fields);
    }),
  );
}

/** Inserts a new document's rows; returns the id of the row of the status the caller asked for. */
async function insertDocument(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentId: string,
  values: Parameters<typeof toColumns>[1],
  publish: boolean,
): Promise<number> {
  const now = nowIso();
  const base = { document_id: documentId, created_at: now, updated_at: now, ...toColumns(ctx, values) };
  if (!type.draftAndPublish) {
    await checkUnique(ctx, trx, type, values, 'published', documentId);
    return insertRow(trx, type.tableName, { ...base, published_at: now });
  }
  await checkUnique(ctx, trx, type, values, 'draft', documentId);
  const draftId = await insertRow(trx, type.tableName, { ...base, published_at: null });
  if (!publish) return draftId;
  await checkUnique(ctx, trx, type, values, 'published', documentId);
  return publishDraft(ctx, trx, type, draftId, documentId, now);
}

/** Returns null when the document does not exist. */
export async function updateDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  options: WriteOptions,
): Promise<Document | null> {
  const query = parseSingleQuery(type, options.params);
  const input = await readInput(ctx, type, options.data, 'update');
  const publish = !type.draftAndPublish || query.status === 'published';

  return withDbErrors(type, () =>
    ctx.database.transaction(async (trx) => {
      const current = await findRow(trx, type, documentId, type.draftAndPublish ? 'draft' : 'published');
      if (!current) return null;
      const id = await updateRows(ctx, trx, type, current, input.values, publish);
      return readDocument(ctx, trx, type, id, query.fields);
    }),
  );
}

async function updateRows(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  current: Record<string, unknown>,
  values: Parameters<typeof toColumns>[1],
  publish: boolean,
): Promise<number> {
  const documentId = current.document_id as string;
  const id = Number(current.id);
  if (publish) checkRequired(type, values, current);
  await checkUnique(ctx, trx, type, values, type.draftAndPublish ? 'draft' : 'published', documentId);
  const now = nowIso();
  await trx
    .updateTable(type.tableName)
    .set({ ...toColumns(ctx, values), updated_at: now })
    .where('id', '=', id)
    .execute();
  if (!type.draftAndPublish || !publish) return id;
  // Publishing copies the whole draft, so every unique value of the draft must be free among published rows.
  const draftValues = new Map(values);
  for (const attribute of type.attributes.values()) {
    if (attribute.kind === 'scalar' && attribute.unique && !draftValues.has(attribute)) {
      draftValues.set(attribute, ctx.database.dialect.fromDb(attribute.storage, current[attribute.column]));
    }
  }
  await checkUnique(ctx, trx, type, draftValues, 'published', documentId);
  return publishDraft(ctx, trx, type, id, documentId, now);
}

/** Deletes every row of the document (draft and published). Deleting a missing document is not an error. */
export async function deleteDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  params: unknown,
): Promise<void> {
  rejectDraftDelete(type, params);
  await ctx.database.db.deleteFrom(type.tableName).where('document_id', '=', documentId).execute();
}

function rejectDraftDelete(type: ContentType, params: unknown): void {
  if (
    type.draftAndPublish &&
    targetStatus(type, params) === 'draft' &&
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
  const query = parseSingleQuery(type, options.params);
  const publish = !type.draftAndPublish || query.status === 'published';
  return withDbErrors(type, () =>
    ctx.database.transaction(async (trx) => {
      const current = await findFirstRow(trx, type, type.draftAndPublish ? 'draft' : 'published');
      const input = await readInput(ctx, type, options.data, current ? 'update' : 'create');
      let id: number;
      if (current) {
        id = await updateRows(ctx, trx, type, current, input.values, publish);
      } else {
        if (publish) checkRequired(type, input.values);
        id = await insertDocument(ctx, trx, type, createId(), input.values, publish);
      }
      return readDocument(ctx, trx, type, id, query.fields);
    }),
  );
}

/** DELETE /api/:singular. */
export async function deleteSingleDocument(
  ctx: CoreContext,
  type: ContentType,
  params: unknown,
): Promise<void> {
  rejectDraftDelete(type, params);
  await ctx.database.db.deleteFrom(type.tableName).execute();
}
