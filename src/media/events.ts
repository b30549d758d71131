import { enqueue } from '../cluster/outbox.js';
import { CONTENT_TOPIC, type EventContext } from '../core/documents/events.js';
import type { Document } from '../core/documents/serialize.js';
import type { Executor } from '../db/types.js';
import { FILE_UID } from './schema.js';

export type MediaEvent = 'media.create' | 'media.update' | 'media.delete';

/**
 * Writes a media event to the outbox in the transaction that changed the file row, with Strapi's
 * payload (`{ event, createdAt, media }`); webhooks receive it like every document event.
 */
export async function emitMediaEvent(
  trx: Executor,
  event: MediaEvent,
  media: Document,
  context: EventContext = {},
): Promise<void> {
  await enqueue(trx, {
    topic: CONTENT_TOPIC,
    type: event,
    key: `${FILE_UID}:${String(media.documentId)}`,
    payload: { event, createdAt: new Date().toISOString(), media },
    requestId: context.requestId,
    traceparent: context.traceparent,
  });
}
