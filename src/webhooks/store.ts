import { sql } from 'kysely';
import { enqueue } from '../cluster/outbox.js';
import { NotFoundError } from '../core/errors.js';
import type { EventContext } from '../core/documents/events.js';
import type { Database, Executor } from '../db/types.js';
import { maskHeaders, openHeaders, sealHeaders, unmaskHeaders } from './headers.js';
import { generateSecret, type SecretBox } from './secrets.js';
import {
  DELIVERIES_TABLE,
  TEST_EVENT,
  WEBHOOK_TEST_TOPIC,
  WEBHOOKS_TABLE,
  type DeliveryStatus,
  type WebhookEvent,
} from './tables.js';

export interface Webhook {
  readonly id: number;
  readonly name: string;
  readonly url: string;
  /** Header names, each with HEADER_MASK: the values never leave the server. */
  readonly headers: Record<string, string>;
  readonly events: WebhookEvent[];
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookInput {
  readonly name: string;
  readonly url: string;
  /** A HEADER_MASK value keeps the stored value of that header (see headers.ts). */
  readonly headers?: Record<string, string>;
  readonly events: WebhookEvent[];
  readonly enabled?: boolean;
}

export interface Delivery {
  readonly id: number;
  readonly webhookId: number;
  readonly eventId: number;
  /** The X-Quorum-Delivery header: the same on every attempt and replay. */
  readonly deliveryKey: string;
  readonly event: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly latencyMs: number | null;
  readonly createdAt: string;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly deadAt: string | null;
  readonly expiresAt: string | null;
}

const NOT_FOUND = 'Webhook not found';

/**
 * Webhooks and their deliveries, for the admin API. Nothing is cached: the dispatcher reads the
 * enabled webhooks inside each fan-out transaction, so a change made on any node applies to the next
 * event everywhere, with nothing to announce on the bus. Secrets are sealed at rest and returned only
 * by create and regenerate; headers are sealed too and answered masked.
 */
export class WebhookStore {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
    private readonly maxAgeMs: number,
  ) {}

  async list(): Promise<Webhook[]> {
    const rows = await this.database.db.selectFrom(WEBHOOKS_TABLE).selectAll().orderBy('id').execute();
    return rows.map((row) => this.#toWebhook(row));
  }

  async get(id: number, db: Executor = this.database.db): Promise<Webhook> {
    const row = await db.selectFrom(WEBHOOKS_TABLE).selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(NOT_FOUND);
    return this.#toWebhook(row);
  }

  async create(input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
    const { dialect } = this.database;
    const secret = generateSecret();
    const now = new Date().toISOString();
    const row = await this.database.db
      .insertInto(WEBHOOKS_TABLE)
      .values({
        name: input.name,
        url: input.url,
        // Sealed rows keep an empty object in the plain column (see openHeaders).
        headers: dialect.toDb('json', {}),
        sealed_headers: sealHeaders(this.box, unmaskHeaders(input.headers ?? {}, {})),
        events: dialect.toDb('json', input.events),
        enabled: dialect.toDb('boolean', input.enabled ?? true),
        secret: this.box.seal(secret),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { webhook: await this.get(Number(row.id)), secret };
  }

  async update(id: number, input: Partial<WebhookInput>): Promise<Webhook> {
    const { dialect } = this.database;
    // Masked headers are resolved against the stored ones: read and write in one transaction, the row
    // locked on PostgreSQL (SQLite's write transactions are exclusive), so a concurrent edit is not lost.
    return this.database.transaction(async (trx) => {
      let current = trx.selectFrom(WEBHOOKS_TABLE).select(['headers', 'sealed_headers']).where('id', '=', id);
      if (dialect.kind === 'postgres') current = current.forUpdate();
      const row = await current.executeTakeFirst();
      if (!row) throw new NotFoundError(NOT_FOUND);
      const values: Record<string, unknown> = { updated_at: new Date().toISOString() };
      if (input.name !== undefined) values.name = input.name;
      if (input.url !== undefined) values.url = input.url;
      if (input.headers !== undefined) {
        const stored = this.#headersOf(row);
        values.headers = dialect.toDb('json', {});
        values.sealed_headers = sealHeaders(this.box, unmaskHeaders(input.headers, stored));
      }
      if (input.events !== undefined) values.events = dialect.toDb('json', input.events);
      if (input.enabled !== undefined) values.enabled = dialect.toDb('boolean', input.enabled);
      await trx.updateTable(WEBHOOKS_TABLE).set(values).where('id', '=', id).execute();
      return this.get(id, trx);
    });
  }

  /**
   * Seals headers still stored in plain text (rows from before headers were sealed, or written by a
   * node of that version during a rolling upgrade); run by every node at start. Each row is written
   * only if it is still as read, so an edit made meanwhile is never overwritten. Returns the rows sealed.
   */
  async sealPlaintextHeaders(): Promise<number> {
    const { db, dialect } = this.database;
    const rows = await db
      .selectFrom(WEBHOOKS_TABLE)
      .select(['id', 'headers', 'sealed_headers', 'updated_at'])
      .execute();
    let sealed = 0;
    for (const row of rows) {
      const plain = dialect.fromDb('json', row.headers);
      if (!plain || typeof plain !== 'object' || Object.keys(plain).length === 0) continue;
      let update = db
        .updateTable(WEBHOOKS_TABLE)
        .set({
          headers: dialect.toDb('json', {}),
          sealed_headers: sealHeaders(this.box, plain as Record<string, string>),
        })
        .where('id', '=', row.id)
        .where('updated_at', '=', row.updated_at);
      update =
        row.sealed_headers === null
          ? update.where('sealed_headers', 'is', null)
          : update.where('sealed_headers', '=', row.sealed_headers);
      sealed += Number((await update.executeTakeFirst()).numUpdatedRows);
    }
    return sealed;
  }

  /** Deletes the webhook and (by cascade) its deliveries; answers what was deleted. */
  async remove(id: number): Promise<Webhook> {
    const webhook = await this.get(id);
    await this.database.db.deleteFrom(WEBHOOKS_TABLE).where('id', '=', id).execute();
    return webhook;
  }

  async regenerateSecret(id: number): Promise<{ webhook: Webhook; secret: string }> {
    const secret = generateSecret();
    const result = await this.database.db
      .updateTable(WEBHOOKS_TABLE)
      .set({ secret: this.box.seal(secret), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(NOT_FOUND);
    return { webhook: await this.get(id), secret };
  }

  async deliveries(
    webhookId: number,
    query: { status?: DeliveryStatus; page: number; pageSize: number },
  ): Promise<{
    results: Delivery[];
    pagination: { page: number; pageSize: number; pageCount: number; total: number };
  }> {
    await this.get(webhookId);
    let base = this.database.db.selectFrom(DELIVERIES_TABLE).where('webhook_id', '=', webhookId);
    if (query.status) base = base.where('status', '=', query.status);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('id', 'desc')
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize)
        .execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const total = Number(count.n);
    return {
      results: rows.map(toDelivery),
      pagination: {
        page: query.page,
        pageSize: query.pageSize,
        pageCount: Math.ceil(total / query.pageSize),
        total,
      },
    };
  }

  /** Sends a delivered or dead delivery again (same X-Quorum-Delivery), with a fresh retry horizon. */
  async replayOne(webhookId: number, deliveryId: number): Promise<Delivery> {
    await this.#replay(webhookId, (q) => q.where('id', '=', deliveryId));
    const row = await this.database.db
      .selectFrom(DELIVERIES_TABLE)
      .selectAll()
      .where('id', '=', deliveryId)
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    // One already pending or in flight is left as it is: it will be sent anyway.
    if (!row) throw new NotFoundError('Delivery not found');
    return toDelivery(row);
  }

  /** Replays every dead letter of the webhook, or every finished delivery of events since a time. */
  async replayMany(webhookId: number, filter: { status: 'dead' } | { since: string }): Promise<number> {
    await this.get(webhookId);
    return this.#replay(webhookId, (q) =>
      'status' in filter ? q.where('status', '=', 'dead') : q.where('created_at', '>=', filter.since),
    );
  }

  async #replay(
    webhookId: number,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Kysely update builder on the untyped schema
    narrow: (query: any) => any,
  ): Promise<number> {
    const { dialect } = this.database;
    const query = this.database.db
      .updateTable(DELIVERIES_TABLE)
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: dialect.now(),
        expires_at: dialect.now(this.maxAgeMs),
        claimed_by: null,
        claim_expires_at: null,
        delivered_at: null,
        dead_at: null,
      })
      .where('webhook_id', '=', webhookId)
      .where('status', 'in', ['delivered', 'dead']);
    const result = await narrow(query).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Enqueues a `trigger-test` event for this webhook only (sent even when the webhook is disabled). */
  async test(webhookId: number, context: EventContext = {}): Promise<{ eventId: number }> {
    await this.get(webhookId);
    const eventId = await this.database.transaction((trx) =>
      enqueue(trx, {
        topic: WEBHOOK_TEST_TOPIC,
        type: TEST_EVENT,
        key: `webhook:${webhookId}`,
        payload: { event: TEST_EVENT, createdAt: new Date().toISOString() },
        requestId: context.requestId,
        traceparent: context.traceparent,
      }),
    );
    return { eventId };
  }

  /** The row's headers in clear; none when they cannot be opened (QUORUM_SECRET changed: set them again). */
  #headersOf(row: Record<string, unknown>): Record<string, string> {
    try {
      return openHeaders(this.box, this.database.dialect.fromDb('json', row.headers), row.sealed_headers);
    } catch {
      return {};
    }
  }

  #toWebhook(row: Record<string, unknown>): Webhook {
    const { dialect } = this.database;
    return {
      id: Number(row.id),
      name: row.name as string,
      url: row.url as string,
      headers: maskHeaders(this.#headersOf(row)),
      events: dialect.fromDb('json', row.events) as WebhookEvent[],
      enabled: dialect.fromDb('boolean', row.enabled) as boolean,
      createdAt: String(row.created_at),
      updatedAt: String(row.updated_at),
    };
  }
}

function toDelivery(row: Record<string, unknown>): Delivery {
  const optional = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: Number(row.id),
    webhookId: Number(row.webhook_id),
    eventId: Number(row.event_id),
    deliveryKey: row.delivery_key as string,
    event: row.event as string,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastStatusCode: number(row.last_status),
    lastError: optional(row.last_error),
    latencyMs: number(row.last_latency_ms),
    createdAt: String(row.created_at),
    nextAttemptAt: optional(row.next_attempt_at),
    deliveredAt: optional(row.delivered_at),
    deadAt: optional(row.dead_at),
    expiresAt: optional(row.expires_at),
  };
}
