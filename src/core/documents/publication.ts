import type { AccessScope } from '../access.js';
import type { CoreContext } from '../context.js';
import { ValidationError } from '../errors.js';
import type { ContentType } from '../schema/model.js';
import { deleteRows } from '../schema/row-trees.js';
import { matchesConditions, resolveAccess } from './access-checks.js';
import { withDbErrors } from './db-errors.js';
import { checkPublishable } from './input.js';
import { findRow, nowIso, readDocument, versionRef } from './rows.js';
import type { Document } from './serialize.js';
import { writeTransaction } from './transaction.js';
import { emitEvents, entrySnapshot, type EventContext } from './events.js';
import { publishStoredDraft } from './write.js';

/**
 * Publishing and unpublishing a document as it is (no body): what the admin's buttons and scheduled
 * publication do. Strapi's REST API has no such routes; these operations serve the admin API and the
 * scheduler. Both return null when the document (or its draft) does not exist for the caller.
 */
export async function publishDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  options: PublicationOptions = {},
): Promise<Document | null> {
  requireDraftAndPublish(type);
  const access = resolveAccess(ctx, type, options.access);
  const ref = versionRef(ctx, type, documentId, options.locale);
  return withDbErrors(type, () =>
    writeTransaction(ctx, type.uid, async (trx) => {
      const draft = await findRow(trx, type, ref, 'draft');
      if (!draft || !(await matchesConditions(ctx, trx, type, ref, 'draft', access))) return null;
      checkPublishable(type, new Map(), draft);
      const id = await publishStoredDraft(ctx, trx, type, draft, new Map(), nowIso());
      await emitEvents(ctx, trx, type, ref, [{ event: 'entry.publish', status: 'published' }], options.event);
      return readDocument(
        ctx,
        trx,
        type,
        id,
        [...type.fields.values()].filter((f) => !f.private && f.type !== 'password'),
      );
    }),
  );
}

/** Removes the published version; the draft stays. Returns the draft, or null when there is nothing to unpublish. */
export async function unpublishDocument(
  ctx: CoreContext,
  type: ContentType,
  documentId: string,
  options: PublicationOptions = {},
): Promise<Document | null> {
  requireDraftAndPublish(type);
  const access = resolveAccess(ctx, type, options.access);
  const ref = versionRef(ctx, type, documentId, options.locale);
  return writeTransaction(ctx, type.uid, async (trx) => {
    const published = await findRow(trx, type, ref, 'published');
    if (!published || !(await matchesConditions(ctx, trx, type, ref, 'published', access))) return null;
    const entry = await entrySnapshot(ctx, trx, type, ref, 'published');
    await deleteRows(trx, ctx.schema(), type, [Number(published.id)]);
    await emitEvents(
      ctx,
      trx,
      type,
      ref,
      [{ event: 'entry.unpublish', status: 'published', entry }],
      options.event,
    );
    const draft = await findRow(trx, type, ref, 'draft');
    return draft
      ? readDocument(
          ctx,
          trx,
          type,
          Number(draft.id),
          [...type.fields.values()].filter((f) => !f.private && f.type !== 'password'),
        )
      : null;
  });
}

export interface PublicationOptions {
  readonly access?: AccessScope;
  readonly event?: EventContext;
  /** Of a localized type: the locale whose version is (un)published (default: the default locale). */
  readonly locale?: string;
}

function requireDraftAndPublish(type: ContentType): void {
  if (!type.draftAndPublish) throw new ValidationError(`${type.uid} does not use draft & publish`);
}
