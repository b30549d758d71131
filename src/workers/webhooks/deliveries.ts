import { sql, type Expression, type SqlBool } from 'kysely';
import { OUTBOX_TABLE } from '../../cluster/outbox.js';
import type { Database } from '../../db/types.js';
import { DELIVERIES_TABLE, WEBHOOKS_TABLE } from '../../webhooks/tables.js';

/** A delivery this node has claimed, with everything needed to send it. */
export interface ClaimedDelivery {
  readonly id: number;
  /** The claim: result updates apply only while the row still carries it. */
  readonly claim: string;
  readonly webhookId: number;
  readonly eventId: number;
  readonly deliveryKey: string;
  readonly event: string;
  readonly attempts: number;
  readonly url: string;
  /** The webhook's headers as stored: opened with `openHeaders` (headers.ts) by the worker. */
  readonly plainHeaders: unknown;
  readonly sealedHeaders: string | null;
  readonly sealedSecret: string;
  /** The outbox row's JSON text, sent byte for byte. */
  readonly payload: string;
  readonly requestId: string | null;
  readonly traceparent: string | null;
}

export interface Outcome {
  readonly statusCode?: number;
  readonly error?: string;
  readonly latencyMs?: number;
}

/**
 * The SQL of delivery workers. Claiming is one UPDATE over a subquery that locks its rows and skips
 * rows locked by other nodes (PostgreSQL), so nodes never claim the same delivery; a claim lasts
 * `ttlMs` and a crashed node's claims are taken over after it.
 *
 * Per-document order: a delivery is not claimed while an earlier delivery (lower event id) of the same
 * webhook and order key is pending or in flight, nor while an earlier event of that key has not been
 * fanned out yet (another node may be fanning it out right now). Dead letters do not block.
 */
export class DeliveryQueries {
  constructor(private readonly database: Database) {}

  async claim(options: {
    claim: string;
    ttlMs: number;
    limit: number;
    /** Webhooks whose target is open-circuited or saturated on this node. */
    excludeWebhooks: readonly number[];
  }): Promise<ClaimedDelivery[]> {
    const { db, dialect, kind } = this.database;
    const now = dialect.now();
    let candidates = db
      .selectFrom(`${DELIVERIES_TABLE} as d`)
      .select('d.id')
      // Served by the (status, next_attempt_at) index: delivered history is never scanned.
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(`${DELIVERIES_TABLE} as p`)
              .select(sql.lit(1).as('one'))
              .whereRef('p.webhook_id', '=', 'd.webhook_id')
              .whereRef('p.order_key', '=', 'd.order_key')
              .whereRef('p.event_id', '<', 'd.event_id')
              .where('p.status', 'in', ['pending', 'delivering']),
          ),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(`${OUTBOX_TABLE} as o`)
              .select(sql.lit(1).as('one'))
              .whereRef('o.key', '=', 'd.order_key')
              .whereRef('o.id', '<', 'd.event_id')
              .where('o.status', '=', 'new'),
          ),
        ),
      )
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(options.limit);
    if (options.excludeWebhooks.length)
      candidates = candidates.where((eb) =>
        eb.not(
          dialect.inList(sql.ref('d.webhook_id'), options.excludeWebhooks, 'integer') as Expression<SqlBool>,
        ),
      );
    if (kind === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const claimed = await db
      .updateTable(DELIVERIES_TABLE)
      .set({ status: 'delivering', claimed_by: options.claim, claim_expires_at: dialect.now(options.ttlMs) })
      .where('id', 'in', candidates)
      .returning('id')
      .execute();
    if (claimed.length === 0) return [];
    const rows = await db
      .selectFrom(`${DELIVERIES_TABLE} as d`)
      .innerJoin(`${WEBHOOKS_TABLE} as w`, 'w.id', 'd.webhook_id')
      .innerJoin(`${OUTBOX_TABLE} as o`, 'o.id', 'd.event_id')
      .select([
        'd.id',
        'd.webhook_id',
        'd.event_id',
        'd.delivery_key',
        'd.event',
        'd.attempts',
        'w.url',
        'w.headers',
        'w.sealed_headers',
        'w.secret',
        'o.payload',
        'o.request_id',
        'o.traceparent',
      ])
      .where(
        dialect.inList(
          sql.ref('d.id'),
          claimed.map((row) => Number(row.id)),
          'integer',
        ),
      )
      .where('d.claimed_by', '=', options.claim)
      .orderBy('d.id')
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      claim: options.claim,
      webhookId: Number(row.webhook_id),
      eventId: Number(row.event_id),
      deliveryKey: row.delivery_key as string,
      event: row.event as string,
      attempts: Number(row.attempts),
      url: row.url as string,
      plainHeaders: dialect.fromDb('json', row.headers),
      sealedHeaders: (row.sealed_headers as string | null) ?? null,
      sealedSecret: row.secret as string,
      payload: row.payload as string,
      requestId: (row.request_id as string | null) ?? null,
      traceparent: (row.traceparent as string | null) ?? null,
    }));
  }

  async delivered(delivery: ClaimedDelivery, outcome: Outcome): Promise<void> {
    const { db, dialect } = this.database;
    await db
      .updateTable(DELIVERIES_TABLE)
      .set({
        status: 'delivered',
        attempts: sql`attempts + 1`,
        delivered_at: dialect.now(),
        last_status: outcome.statusCode ?? null,
        last_error: null,
        last_latency_ms: outcome.latencyMs ?? null,
        claimed_by: null,
        claim_expires_at: null,
      })
      .where('id', '=', delivery.id)
      .where('claimed_by', '=', delivery.claim)
      .execute();
  }

  /** A failed attempt: retried after `delayMs`, or a dead letter when that is past its expiry. */
  async failed(delivery: ClaimedDelivery, outcome: Outcome, delayMs: number): Promise<'pending' | 'dead'> {
    const { db, dialect } = this.database;
    const next = dialect.now(delayMs);
    const past = sql<SqlBool>`${next} > expires_at`;
    const row = await db
      .updateTable(DELIVERIES_TABLE)
      .set({
        status: sql`case when ${past} then 'dead' else 'pending' end`,
        dead_at: sql`case when ${past} then ${dialect.now()} else null end`,
        next_attempt_at: next,
        attempts: sql`attempts + 1`,
        last_status: outcome.statusCode ?? null,
        last_error: outcome.error?.slice(0, 1000) ?? null,
        last_latency_ms: outcome.latencyMs ?? null,
        claimed_by: null,
        claim_expires_at: null,
      })
      .where('id', '=', delivery.id)
      .where('claimed_by', '=', delivery.claim)
      .returning('status')
      .executeTakeFirst();
    return row?.status === 'dead' ? 'dead' : 'pending';
  }

  /** Gives a claimed delivery back without an attempt (open circuit, shutdown, target saturated). */
  async release(delivery: ClaimedDelivery, delayMs: number): Promise<void> {
    const { db, dialect } = this.database;
    await db
      .updateTable(DELIVERIES_TABLE)
      .set({
        status: 'pending',
        next_attempt_at: dialect.now(delayMs),
        claimed_by: null,
        claim_expires_at: null,
      })
      .where('id', '=', delivery.id)
      .where('claimed_by', '=', delivery.claim)
      .execute();
  }

  /** Claims that expired (their node died or stalled) go back to pending, for any node to take over. */
  async reclaimExpired(): Promise<number> {
    const { db, dialect } = this.database;
    const result = await db
      .updateTable(DELIVERIES_TABLE)
      .set({ status: 'pending', claimed_by: null, claim_expires_at: null })
      .where('status', '=', 'delivering')
      .where('claim_expires_at', '<=', dialect.now())
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Pending deliveries past their retry horizon (e.g. never attempted while a circuit stayed open) die. */
  async expire(): Promise<number> {
    const { db, dialect } = this.database;
    const result = await db
      .updateTable(DELIVERIES_TABLE)
      .set({
        status: 'dead',
        dead_at: dialect.now(),
        last_error: sql`coalesce(last_error, 'expired before delivery')`,
      })
      .where('status', '=', 'pending')
      .where('expires_at', '<', dialect.now())
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
