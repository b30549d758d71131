import { sql } from 'kysely';
import type { Logger } from 'pino';
import { OUTBOX_TABLE } from '../../cluster/outbox.js';
import { LeaderJob } from '../../cluster/leader-job.js';
import type { LeaderElector } from '../../cluster/leader.js';
import type { Lease, Leases } from '../../cluster/leases.js';
import type { Database, Executor } from '../../db/types.js';
import { DELIVERIES_TABLE } from '../../webhooks/tables.js';

const INTERVAL_MS = 10 * 60_000;
// Rows deleted per statement, and statements per run: big backlogs are pruned over several runs.
const CHUNK = 5_000;
const MAX_CHUNKS = 20;

/**
 * Leader-only pruning of the outbox: finished deliveries (delivered or dead) and processed events older
 * than retentionDays. Each chunk runs in a transaction fenced by the leader's lease (like the
 * scheduler), so an ex-leader that was paused cannot prune concurrently with the new one. An event is
 * deleted only once no delivery refers to it (a dead letter kept for replay keeps its payload).
 */
export class OutboxHousekeeping {
  readonly #job: LeaderJob;

  constructor(
    private readonly deps: {
      database: Database;
      leases: Leases;
      leader: LeaderElector;
      retentionDays: number;
      logger: Logger;
    },
  ) {
    this.#job = new LeaderJob({
      leader: deps.leader,
      intervalMs: INTERVAL_MS,
      logger: deps.logger,
      failure: 'outbox housekeeping failed',
      run: (lease) => this.#prune(lease),
    });
  }

  start(): void {
    this.#job.start();
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }

  /** One pruning run if this node leads (exposed for tests); the number of rows deleted. */
  runOnce(): Promise<number> {
    return this.#job.runOnce();
  }

  async #prune(lease: Lease): Promise<number> {
    const { database, leases, logger } = this.deps;
    const cutoff = database.dialect.now(-this.deps.retentionDays * 24 * 3600_000);
    let total = 0;
    for (const prune of [finishedDeliveries, processedEvents]) {
      for (let i = 0; i < MAX_CHUNKS; i++) {
        const deleted = await database.transaction(async (trx) => {
          await leases.fence(trx, lease);
          return prune(trx, cutoff);
        });
        total += deleted;
        if (deleted < CHUNK) break;
      }
    }
    if (total) logger.info({ rows: total }, 'pruned the outbox');
    return total;
  }
}

type Cutoff = ReturnType<Database['dialect']['now']>;

async function finishedDeliveries(trx: Executor, cutoff: Cutoff): Promise<number> {
  const ids = trx
    .selectFrom(DELIVERIES_TABLE)
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'delivered'), eb('delivered_at', '<', cutoff)]),
        eb.and([eb('status', '=', 'dead'), eb('dead_at', '<', cutoff)]),
      ]),
    )
    .limit(CHUNK);
  const result = await trx.deleteFrom(DELIVERIES_TABLE).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function processedEvents(trx: Executor, cutoff: Cutoff): Promise<number> {
  const ids = trx
    .selectFrom(`${OUTBOX_TABLE} as o`)
    .select('o.id')
    .where('o.status', 'in', ['processed', 'failed'])
    .where(sql<boolean>`coalesce(o.processed_at, o.created_at) < ${cutoff}`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom(`${DELIVERIES_TABLE} as d`)
            .select(sql.lit(1).as('one'))
            .whereRef('d.event_id', '=', 'o.id'),
        ),
      ),
    )
    .limit(CHUNK);
  const result = await trx.deleteFrom(OUTBOX_TABLE).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
