import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { backoff } from '../../cluster/backoff.js';
import { OUTBOX_TABLE, toOutboxEvent, type OutboxEvent } from '../../cluster/outbox.js';
import { EMAIL_TOPIC, type EmailMessage, type EmailSender } from '../../auth/email.js';
import type { EmailComposer } from '../../auth/users-permissions/emails.js';
import type { Database } from '../../db/types.js';
import { withTimeout } from '../../lib/with-timeout.js';
import { Pump } from '../outbox/pump.js';

export interface EmailWorkerOptions {
  readonly pollMs: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** Past this age (since it was queued) a message that still fails is given up. */
  readonly maxAgeMs: number;
}

/** A send that takes longer is counted as failed (nodemailer's own timeouts are shorter). */
const SEND_TIMEOUT_MS = 60_000;
/** A claim outlives the slowest send, so no other node takes a message that is still being sent. */
const CLAIM_TTL_MS = SEND_TIMEOUT_MS + 60_000;
/** Messages sent per pass; the pump runs another pass at once when there may be more. */
const PER_PASS = 20;
/** How long a stopping node waits for the message it is sending. */
const STOP_TIMEOUT_MS = 5_000;

/**
 * Sends the emails queued in the outbox (topic `email`), on every node. Not an outbox-dispatcher
 * handler: those run inside the claiming transaction, and on SQLite that transaction holds the node's
 * only connection, so a slow mail server would stall every request. Here a message is claimed by one
 * short statement (the row's `claimed_by`/`claim_expires_at`, skipping rows other nodes hold), composed
 * and sent outside any transaction, then marked processed. A failure is retried with backoff; a message
 * still failing `maxAgeMs` after it was queued is marked `failed` and logged as dead at error level —
 * never dropped silently. A node that dies mid-send leaves its claim to expire, and another node sends
 * the message again: delivery is at least once.
 */
export class EmailWorker {
  readonly #composers = new Map<string, EmailComposer>();
  /** This worker's claims: the node's id and a per-start suffix, so a restarted node's old claims are not its own. */
  readonly #claim: string;
  readonly #pump: Pump;
  #stopped = false;

  constructor(
    private readonly deps: {
      database: Database;
      sender: EmailSender;
      nodeId: string;
      options: EmailWorkerOptions;
      logger: Logger;
    },
  ) {
    this.#claim = `${deps.nodeId}:${randomUUID()}`;
    this.#pump = new Pump(
      () => this.pass(),
      deps.options.pollMs,
      (err) => deps.logger.warn({ err: (err as Error).message }, 'email worker pass failed'),
    );
  }

  /** How events of `type` become messages (one composer per type). */
  register(type: string, composer: EmailComposer): void {
    if (this.#composers.has(type)) throw new Error(`an email composer for ${type} is already registered`);
    this.#composers.set(type, composer);
  }

  start(): void {
    this.#pump.start();
  }

  /** Looks for queued messages now (after a local transaction committed some). */
  wake(): void {
    this.#pump.wake();
  }

  /** No further sends; waits a little for the one in flight, then gives back what this node claimed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await withTimeout(this.#pump.stop(), STOP_TIMEOUT_MS).catch(() => {});
  }

  /** One pass (exposed for tests); true when there may be more to send. */
  async pass(): Promise<boolean> {
    const { db } = this.deps.database;
    // A plain read first: an idle node polling must not take SQLite's write lock.
    const probe = await this.#due(db).select('id').limit(1).executeTakeFirst();
    if (!probe) return false;
    for (let sent = 0; sent < PER_PASS; sent++) {
      if (this.#stopped) return false;
      const event = await this.#claimOne();
      if (!event) return false;
      await this.#deliver(event);
    }
    return true;
  }

  #due(db: Database['db']) {
    const { dialect } = this.deps.database;
    return db
      .selectFrom(OUTBOX_TABLE)
      .where('topic', '=', EMAIL_TOPIC)
      .where('status', '=', 'new')
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', dialect.now())]))
      .where((eb) =>
        eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', dialect.now())]),
      );
  }

  /** Claims the oldest due message with one statement (a message is claimed by one node at a time). */
  async #claimOne(): Promise<OutboxEvent | undefined> {
    const { database } = this.deps;
    let oldest = this.#due(database.db).select('id').orderBy('id').limit(1);
    if (database.kind === 'postgres') oldest = oldest.forUpdate().skipLocked();
    const row = await database.db
      .updateTable(OUTBOX_TABLE)
      .set({ claimed_by: this.#claim, claim_expires_at: database.dialect.now(CLAIM_TTL_MS) })
      .where('id', 'in', oldest)
      .returningAll()
      .executeTakeFirst();
    return row ? toOutboxEvent(row) : undefined;
  }

  async #deliver(event: OutboxEvent): Promise<void> {
    const { database, sender, logger } = this.deps;
    const log = logger.child({
      eventId: event.id,
      type: event.type,
      requestId: event.requestId ?? undefined,
    });
    let message: EmailMessage | undefined;
    try {
      const compose = this.#composers.get(event.type);
      if (!compose) throw new Error(`no email composer for ${event.type}`);
      message = await compose(JSON.parse(event.payload));
      if (message) await withTimeout(sender.send(message), SEND_TIMEOUT_MS);
    } catch (err) {
      await this.#failed(event, err, log);
      return;
    }
    // Handled: the payload (an address) is not kept any longer than the event needed it.
    await database.db
      .updateTable(OUTBOX_TABLE)
      .set({
        status: 'processed',
        processed_at: database.dialect.now(),
        attempts: event.attempts + 1,
        last_error: null,
        payload: '{}',
        claim_expires_at: null,
      })
      .where('id', '=', event.id)
      .where('claimed_by', '=', this.#claim)
      .execute();
    if (!message) log.debug('email event needed no message');
  }

  async #failed(event: OutboxEvent, err: unknown, log: Logger): Promise<void> {
    const { database, options } = this.deps;
    const error = ((err as Error)?.message ?? String(err)).slice(0, 1000);
    const attempts = event.attempts + 1;
    const dead = Date.now() - Date.parse(event.createdAt) >= options.maxAgeMs;
    await database.db
      .updateTable(OUTBOX_TABLE)
      .set({
        status: dead ? 'failed' : 'new',
        attempts,
        last_error: error,
        next_attempt_at: database.dialect.now(backoff(attempts, options.backoff)),
        claim_expires_at: null,
      })
      .where('id', '=', event.id)
      .where('claimed_by', '=', this.#claim)
      .execute();
    if (dead)
      log.error({ attempts, err: error }, 'email dead: still not sent after email.maxAgeMs, given up');
    else log.warn({ attempts, err: error }, 'email not sent; it will be retried');
  }
}
