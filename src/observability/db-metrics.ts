import { sql } from 'kysely';
import type { Database, QueryEvent } from '../db/types.js';
import type { DbOperation, NodeMetrics } from './metrics.js';
import { withTimeout } from '../lib/with-timeout.js';

/** Feeds every executed statement into the query-duration histogram; pool gauges and outbox backlog. */
export function observeDatabase(metrics: NodeMetrics, database: Database): () => void {
  // One bound child per operation: no label object is built per statement.
  const durations = {} as Record<DbOperation, { observe(value: number): void }>;
  for (const op of OPERATIONS) durations[op] = metrics.dbDuration.labels(op);
  const unsubscribe = database.onQuery((event: QueryEvent) => {
    const op = operationOf(event.sql);
    durations[op].observe(event.durationMs / 1000);
    if (event.failed) metrics.dbErrors.inc({ operation: op });
  });
  const stats = database.poolStats?.bind(database);
  if (stats) metrics.watchPool(stats);
  metrics.sources.outboxBacklog = outboxBacklogReader(database);
  return unsubscribe;
}

const OPERATIONS: readonly DbOperation[] = ['select', 'insert', 'update', 'delete', 'other'];

/** The statement's verb. Kysely writes statements lower-case with no leading space; raw SQL may differ. */
export function operationOf(text: string): DbOperation {
  const head = /^[a-z]/.test(text) ? text : text.trimStart().slice(0, 6).toLowerCase();
  if (head.startsWith('select')) return 'select';
  if (head.startsWith('insert')) return 'insert';
  if (head.startsWith('update')) return 'update';
  if (head.startsWith('delete')) return 'delete';
  return 'other';
}

// A backlog larger than this reads as this: the scrape stays cheap whatever piled up.
const BACKLOG_CAP = 100_000;
const BACKLOG_TIMEOUT_MS = 1000;

/**
 * Reads the outbox backlog for a scrape: one statement, each half an index range scan capped at
 * BACKLOG_CAP rows (quorum_outbox (status, id); quorum_webhook_deliveries (status, next_attempt_at)).
 * Falls back to events alone where the deliveries table does not exist; undefined when the database
 * does not answer within a second (the scrape must not hang on an outage).
 */
export function outboxBacklogReader(
  database: Database,
): () => Promise<{ events: number; deliveries?: number } | undefined> {
  let withDeliveries = true;
  const events = sql`(select count(*) from (select 1 from quorum_outbox where status = 'new' limit ${BACKLOG_CAP}) e)`;
  const deliveries = sql`(select count(*) from (select 1 from quorum_webhook_deliveries where status in ('pending', 'delivering') limit ${BACKLOG_CAP}) d)`;
  const read = async () => {
    if (withDeliveries) {
      try {
        const { rows } = await sql<{
          events: number | string;
          deliveries: number | string;
        }>`select ${events} as events, ${deliveries} as deliveries`.execute(database.db);
        return { events: Number(rows[0].events), deliveries: Number(rows[0].deliveries) };
      } catch (err) {
        if (!/quorum_webhook_deliveries/.test((err as Error).message)) throw err;
        withDeliveries = false;
      }
    }
    const { rows } = await sql<{ events: number | string }>`select ${events} as events`.execute(database.db);
    return { events: Number(rows[0].events) };
  };
  return () => withTimeout(read(), BACKLOG_TIMEOUT_MS).catch(() => undefined);
}
