import { sql } from 'kysely';
import type { CoreContext } from '../core/context.js';
import { checkUpdates, outsideAfterWrite, type ResolvedAccess } from '../core/documents/access-checks.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import { mediaRelation, relationView } from '../core/schema/relations.js';
import type { ContentType } from '../core/schema/model.js';
import type { Executor } from '../db/types.js';

/** Strapi's `ref` / `refId` / `field`: the entry (and media attribute) uploaded files are attached to. */
export interface AttachTarget {
  readonly ref: string;
  readonly refId: string;
  readonly field: string;
}

export interface ResolvedTarget {
  readonly type: ContentType;
  readonly field: string;
  readonly multiple: boolean;
  readonly table: string;
}

const bad = (message: string, key: string) => new ValidationError(message, { key, source: 'body' });

/** Checks that `ref` is a content type with a media attribute `field` (before anything is stored). */
export function resolveTarget(ctx: CoreContext, target: AttachTarget, fileCount: number): ResolvedTarget {
  const type = ctx.schema().contentTypes.get(target.ref);
  if (!type || type.uid.startsWith('plugin::') || type.uid.startsWith('admin::'))
    throw bad(`ref: unknown content type "${target.ref}"`, 'ref');
  const attribute = type.attributes.get(target.field);
  if (!attribute || attribute.kind !== 'media')
    throw bad(`field: ${type.uid} has no media attribute "${target.field}"`, 'field');
  if (!attribute.multiple && fileCount > 1)
    throw bad(`field: ${type.uid}.${target.field} holds a single file`, 'field');
  const view = relationView(ctx.schema(), type, mediaRelation(attribute));
  if (!view) throw bad('the media library is not available', 'field');
  return { type, field: attribute.name, multiple: attribute.multiple, table: view.storage.table };
}

/**
 * Links files to an entry's media attribute, inside the upload's transaction. `refId` is a row id
 * (one version of the document) or a documentId (its draft and published versions). A single-media
 * attribute is replaced, a multiple one appended to.
 *
 * This writes the entry, so it takes what `PUT` on it takes (checkUpdates, with the conditions of the
 * caller's update grant): an entry outside them gets the answer of an entry that does not exist.
 */
export async function attachFiles(
  ctx: CoreContext,
  trx: Executor,
  target: ResolvedTarget,
  refId: string,
  fileDocumentIds: readonly string[],
  access: ResolvedAccess,
): Promise<void> {
  const rows = await trx
    .selectFrom(target.type.tableName)
    .select(['id', 'document_id'])
    .where(
      /^\d{1,15}$/.test(refId) ? 'id' : 'document_id',
      '=',
      /^\d{1,15}$/.test(refId) ? Number(refId) : refId,
    )
    .execute();
  const missing = () => bad(`refId: no ${target.type.uid} entry ${refId}`, 'refId');
  if (rows.length === 0) throw missing();
  const entries = rows.map((row) => row.document_id as string);
  const check = await checkUpdates(ctx, trx, target.type, entries, access);
  if (check.kind === 'forbidden') throw new ForbiddenError();
  if (check.kind === 'outside') throw missing();
  for (const { id } of rows) {
    const sourceId = Number(id);
    if (!target.multiple) await trx.deleteFrom(target.table).where('source_id', '=', sourceId).execute();
    for (const documentId of fileDocumentIds) {
      const next = await trx
        .selectFrom(target.table)
        .select(sql<number>`coalesce(max(source_ord), -1) + 1`.as('next'))
        .where('source_id', '=', sourceId)
        .executeTakeFirst();
      await trx
        .insertInto(target.table)
        .values({
          source_id: sourceId,
          target_document_id: documentId,
          source_ord: Number(next?.next ?? 0),
          target_ord: 0,
        })
        .execute();
    }
  }
  // The conditions may name the media attribute itself.
  if ((await checkUpdates(ctx, trx, target.type, entries, access)).kind !== 'allowed')
    throw outsideAfterWrite();
}
