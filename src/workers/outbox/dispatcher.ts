import { sql } from 'kysely';
import type { Logger } from 'pino';
import { backoff } from '../../cluster/backoff.js';
import { OUTBOX_TABLE, toOutboxEvent, type OutboxEvent } from '../../cluster/outbox.js';
import type { Database, Executor } from '../../db/types.js';
import { Pump } from './pump.js';

/**
 * Processes the events of one topic. It runs inside the transaction that claimed them, so whatever it
 * writes commits together with the events being marked processed: exactly once per event. Events come
 * in id order (commit order per key).
 */
export type OutboxHandler = (trx: Executor, events: readonly OutboxEvent[]) => Promise<void>;

export interface DispatcherOptions {
  readonly pollMs: number;
  readonly batchSize: number;
  /** A node stalled mid-batch (paused, partitioned) loses its claim after this long. */
  readonly claimTtlMs: number;
  /** Handler failures are retried with this backoff, until maxAgeMs after the event. */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly maxAgeMs: number;
}

/**
 * The outbox dispatcher, one per node. Each pass claims a batch of new events with row locks that skip
 * rows another node holds (PostgreSQL `for update skip locked`; on SQLite the transaction is exclusive
 * already), hands them to their topic's handler and marks them processed, all in one transaction.
 *
 * A claim is the row lock itself: when a node dies its connection goes and the locks with it, and a
 * node that stalls inside the transaction is cut off by PostgreSQL after claimTtlMs
 * (idle_in_transaction_session_timeout), so its events are taken over without waiting for an expiry
 * column. A batch whose handler throws is rolled back and its events retried one by one, so one bad
 * event cannot hold up the others; it is retried with backoff and marked `failed` after maxAgeMs.
 */
export class OutboxDispatcher {
  readonly #handlers = new Map<string, OutboxHandler>();
  readonly #processed = new Set<() => void>();
  readonly #pump: Pump;

  constructor(
    private readonly deps: {
      database: Database;
      nodeId: string;
      options: DispatcherOptions;
      logger: Logger;
    },
  ) {
    this.#pump = new Pump(
      () => this.pass(),
      deps.options.pollMs,
      (err) => deps.logger.warn({ err: (err as Error).message }, 'outbox dispatch failed'),
    );
  }

  /** Routes events of `topic` to `handler` (one handler per topic). */
  registerOutboxHandler(topic: string, handler: OutboxHandler): void {
    if (this.#handlers.has(topic)) throw new Error(`an outbox handler for ${topic} is already registered`);
    this.#handlers.set(topic, handler);
  }

  /** Called after a batch commits (e.g. to wake the webhook delivery workers). */
  onProcessed(listener: () => void): () => void {
    this.#processed.add(listener);
    return () => this.#processed.delete(listener);
  }

  start(): void {
    this.#pump.start();
  }

  /** Looks for new events now (after a local write committed some). */
  wake(): void {
    this.#pump.wake();
  }

  stop(): Promise<void> {
    return this.#pump.stop();
  }

  /** One pass (exposed for tests); true when a full batch was processed (there may be more). */
  async pass(): Promise<boolean> {
    const topics = [...this.#handlers.keys()];
    if (topics.length === 0) return false;
    const { database } = this.deps;
    // A plain read first: an idle node polling must not take SQLite's write lock or open transactions.
    const probe = await this.#due(database.db, topics).select('id').limit(1).executeTakeFirst();
    if (!probe) return false;
    let count: number;
    try {
      count = await database.transaction((trx) => this.#claimAndHandle(trx, topics, undefined));
    } catch (err) {
      this.deps.logger.warn(
        { err: (err as Error).message },
        'outbox batch failed; retrying its events one by one',
      );
      count = await this.#oneByOne(topics);
    }
    if (count > 0) for (const listener of this.#processed) listener();
    return count >= this.deps.options.batchSize;
  }

  #due(db: Executor, topics: readonly string[]) {
    const { dialect } = this.deps.database;
    return db
      .selectFrom(OUTBOX_TABLE)
      .where('status', '=', 'new')
      .where(dialect.inList(sql.ref('topic'), topics, 'text'))
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', dialect.now())]));
  }

  async #claimAndHandle(
    trx: Executor,
    topics: readonly string[],
    onlyId: number | undefined,
  ): Promise<number> {
    const { database, options, nodeId } = this.deps;
    // The comment names the table: background statements all mention a quorum_* table, which is how
    // statement-counting tests tell them from a request's own.
    if (database.kind === 'postgres')
      await sql`select set_config('idle_in_transaction_session_timeout', ${String(options.claimTtlMs)}, true) /* quorum_outbox claim */`.execute(
        trx,
      );
    let query = this.#due(trx, topics)
      .selectAll()
      .orderBy('id')
      .limit(onlyId === undefined ? options.batchSize : 1);
    if (onlyId !== undefined) query = query.where('id', '=', onlyId);
    if (database.kind === 'postgres') query = query.forUpdate().skipLocked();
    const events = (await query.execute()).map(toOutboxEvent);
    if (events.length === 0) return 0;
    for (const [topic, ofTopic] of groupByTopic(events)) await this.#handlers.get(topic)!(trx, ofTopic);
    await trx
      .updateTable(OUTBOX_TABLE)
      .set({
        status: 'processed',
        processed_at: database.dialect.now(),
        claimed_by: nodeId,
        attempts: sql`attempts + 1`,
        last_error: null,
      })
      .where(
        database.dialect.inList(
          sql.ref('id'),
          events.map((e) => e.id),
          'integer',
        ),
      )
      .execute();
    return events.length;
  }

  /** After a failed batch: each due event in its own transaction; a failing one is rescheduled. */
  async #oneByOne(topics: readonly string[]): Promise<number> {
    const { database, options } = this.deps;
    const due = await this.#due(database.db, topics)
      .select(['id', 'attempts', 'created_at'])
      .orderBy('id')
      .limit(options.batchSize)
      .execute();
    let done = 0;
    for (const row of due) {
      const id = Number(row.id);
      try {
        done += await database.transaction((trx) => this.#claimAndHandle(trx, topics, id));
      } catch (err) {
        const message = (err as Error).message?.slice(0, 1000) ?? String(err);
        this.deps.logger.warn({ err: message, eventId: id }, 'outbox event failed; it will be retried');
        const expired = Date.now() - Date.parse(String(row.created_at)) > options.maxAgeMs;
        const delay = backoff(Number(row.attempts) + 1, options.backoff);
        await database.db
          .updateTable(OUTBOX_TABLE)
          .set({
            status: expired ? 'failed' : 'new',
            attempts: sql`attempts + 1`,
            last_error: message,
            next_attempt_at: database.dialect.now(delay),
          })
          .where('id', '=', id)
          .where('status', '=', 'new')
          .execute()
          .catch(() => {});
      }
    }
    return done;
  }
}

function groupByTopic(events: readonly OutboxEvent[]): Map<string, OutboxEvent[]> {
  const groups = new Map<string, OutboxEvent[]>();
  for (const event of events) {
    const group = groups.get(event.topic) ?? [];
    group.push(event);
    groups.set(event.topic, group);
  }
  return groups;
}
