import type { Executor } from '../db/types.js';

/**
 * The outbox writer: an event is a row written inside the caller's transaction, so a change that
 * commits always has its events and one that rolls back never does. Dispatchers (workers/outbox) claim
 * new events and hand them to the handler of their topic. No knowledge of content here.
 */
export interface OutboxEventInput {
  /** Which handler processes it (e.g. `content` for document events fanned out to webhooks). */
  readonly topic: string;
  /** The event name (e.g. `entry.create`). */
  readonly type: string;
  /** Events with the same key are delivered in commit order (e.g. one document). */
  readonly key?: string;
  readonly payload: unknown;
  readonly requestId?: string;
  readonly traceparent?: string;
}

export interface OutboxEvent extends Required<Pick<OutboxEventInput, 'topic' | 'type'>> {
  readonly id: number;
  readonly key: string | null;
  /** The payload exactly as stored (JSON text), so every delivery sends the same bytes. */
  readonly payload: string;
  readonly requestId: string | null;
  readonly traceparent: string | null;
  readonly createdAt: string;
  readonly attempts: number;
}

export const OUTBOX_TABLE = 'quorum_outbox';

/** Writes an event in `trx`; returns its id (ids grow in commit order per key only within a node's view, see dispatcher). */
export async function enqueue(trx: Executor, event: OutboxEventInput): Promise<number> {
  const row = await trx
    .insertInto(OUTBOX_TABLE)
    .values({
      topic: event.topic,
      type: event.type,
      key: event.key ?? null,
      payload: JSON.stringify(event.payload),
      request_id: event.requestId ?? null,
      traceparent: event.traceparent ?? null,
      status: 'new',
      attempts: 0,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export function toOutboxEvent(row: Record<string, unknown>): OutboxEvent {
  return {
    id: Number(row.id),
    topic: row.topic as string,
    type: row.type as string,
    key: (row.key as string | null) ?? null,
    payload: row.payload as string,
    requestId: (row.request_id as string | null) ?? null,
    traceparent: (row.traceparent as string | null) ?? null,
    createdAt: String(row.created_at),
    attempts: Number(row.attempts ?? 0),
  };
}
