import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from '../../cluster/outbox.js';
import type { SqlDialect } from '../../db/dialect.js';
import type { Executor } from '../../db/types.js';
import type { OutboxHandler } from '../outbox/dispatcher.js';
import { DELIVERIES_TABLE, WEBHOOKS_TABLE } from '../../webhooks/tables.js';

// Rows per insert statement: well below PostgreSQL's 65,535 parameters at 10 per row.
const INSERT_CHUNK = 500;

/**
 * The handler of document events (topic `content`; media events will use it too): one delivery per
 * enabled webhook subscribed to the event, written in the dispatcher's transaction. A delivery holds
 * no copy of the payload: it points at the outbox row, whose JSON text is sent as it is, so every
 * attempt and replay sends the same bytes. The delivery key (X-Quorum-Delivery) is drawn here once.
 */
export function webhookFanOut(deps: { dialect: SqlDialect; maxAgeMs: number }): OutboxHandler {
  return async (trx, events) => {
    const rows = await trx
      .selectFrom(WEBHOOKS_TABLE)
      .select(['id', 'events'])
      .where('enabled', '=', deps.dialect.toDb('boolean', true))
      .execute();
    const webhooks = rows.map((row) => ({
      id: Number(row.id),
      events: new Set(deps.dialect.fromDb('json', row.events) as string[]),
    }));
    const targets = events.flatMap((event) =>
      webhooks
        .filter((webhook) => webhook.events.has(event.type))
        .map((webhook) => ({ event, webhookId: webhook.id })),
    );
    await insertDeliveries(trx, deps, targets);
  };
}

/** The handler of `trigger-test` events: one delivery, to the webhook named by the key (`webhook:<id>`). */
export function webhookTestHandler(deps: { dialect: SqlDialect; maxAgeMs: number }): OutboxHandler {
  return async (trx, events) => {
    const targets: { event: OutboxEvent; webhookId: number }[] = [];
    for (const event of events) {
      const webhookId = Number(/^webhook:(\d+)$/.exec(event.key ?? '')?.[1]);
      if (!webhookId) continue;
      const exists = await trx
        .selectFrom(WEBHOOKS_TABLE)
        .select('id')
        .where('id', '=', webhookId)
        .executeTakeFirst();
      if (exists) targets.push({ event, webhookId });
    }
    await insertDeliveries(trx, deps, targets);
  };
}

async function insertDeliveries(
  trx: Executor,
  deps: { dialect: SqlDialect; maxAgeMs: number },
  targets: readonly { event: OutboxEvent; webhookId: number }[],
): Promise<void> {
  const { dialect, maxAgeMs } = deps;
  for (let i = 0; i < targets.length; i += INSERT_CHUNK) {
    const chunk = targets.slice(i, i + INSERT_CHUNK);
    await trx
      .insertInto(DELIVERIES_TABLE)
      .values(
        chunk.map(({ event, webhookId }) => ({
          event_id: event.id,
          webhook_id: webhookId,
          delivery_key: randomUUID(),
          event: event.type,
          order_key: event.key,
          status: 'pending',
          attempts: 0,
          next_attempt_at: dialect.now(),
          // When the event happened: "since" replays and the delivery list are in event time.
          created_at: event.createdAt,
          expires_at: dialect.now(maxAgeMs),
        })),
      )
      .execute();
  }
}
