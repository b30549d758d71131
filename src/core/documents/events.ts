import { enqueue } from '../../cluster/outbox.js';
import type { Executor } from '../../db/types.js';
import type { CoreContext } from '../context.js';
import { FULL_ACCESS } from '../access.js';
import { parsePopulate } from '../query/populate.js';
import type { Status } from '../query/types.js';
import { defaultFields, type ContentType } from '../schema/model.js';
import { compilePopulate, runPopulate, type PopulatePlan } from './populate-reads.js';
import { findRow, readDocument, type DocumentRef } from './rows.js';
import type { Document } from './serialize.js';

/** Strapi's document events (reference §8). */
export type DocumentEvent =
  'entry.create' | 'entry.update' | 'entry.delete' | 'entry.publish' | 'entry.unpublish';

/** Where a write came from, carried by its events to webhooks and logs. */
export interface EventContext {
  readonly requestId?: string;
  readonly traceparent?: string;
}

/** The outbox topic of document events (fanned out to webhooks by workers/webhooks). */
export const CONTENT_TOPIC = 'content';

/**
 * Writes document events to the outbox inside the write's transaction, after the rows changed (so, for
 * one document, event order is commit order: a concurrent write of the same rows waits for this one).
 * The entry is the row as Strapi sends it: sanitized, first-level relations and components populated.
 * Quorum's own types (users, roles) emit nothing, as in Strapi.
 */
export async function emitEvents(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  events: readonly { event: DocumentEvent; status: Status; entry?: Document }[],
  context: EventContext = {},
): Promise<void> {
  if (type.uid.startsWith('plugin::') || events.length === 0) return;
  for (const { event, status, entry } of events) {
    const snapshot = entry ?? (await entrySnapshot(ctx, trx, type, ref, status));
    if (!snapshot) continue;
    await enqueue(trx, {
      topic: CONTENT_TOPIC,
      type: event,
      key: `${type.uid}:${ref.documentId}`,
      payload: {
        event,
        createdAt: new Date().toISOString(),
        model: type.singularName,
        uid: type.uid,
        entry: snapshot,
      },
      requestId: context.requestId,
      traceparent: context.traceparent,
    });
  }
}

/** The document's row of `status` as an event entry, or undefined when there is none. */
export async function entrySnapshot(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  ref: DocumentRef,
  status: Status,
): Promise<Document | undefined> {
  const row = await findRow(trx, type, ref, type.draftAndPublish ? status : 'published');
  if (!row) return undefined;
  const document = await readDocument(ctx, trx, type, Number(row.id), defaultFields(type));
  // Relations resolve in the row's own locale, as a read in that locale resolves them.
  const locale = (row.locale as string | null) ?? undefined;
  const plan = ctx.plans.get(
    `${ctx.schema().version}|event|${type.uid}|${status}|${locale ?? ''}`,
    (): { populate: PopulatePlan } => ({
      populate: compilePopulate(
        ctx.database,
        parsePopulate({ schema: ctx.schema(), canRead: FULL_ACCESS.canRead }, type, '*'),
        { status, locale },
      ),
    }),
  );
  await runPopulate({ ...ctx, database: { ...ctx.database, db: trx } }, plan.populate, [document]);
  return document;
}
