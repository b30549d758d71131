import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import type { LeaderElector } from './leader.js';
import { LeaderJob } from './leader-job.js';
import type { Lease, Leases } from './leases.js';
import { forgetSilentNodes } from './membership.js';

/**
 * A node killed without a clean stop never deregisters. Its row stays, shown as `alive: false`, for
 * this many node TTLs after its last heartbeat (so a recent crash is visible on the dashboard), then
 * the leader removes it. Documented in the README ("Run a cluster") and docs/operations.md.
 */
export const DEAD_NODE_RETENTION_TTLS = 10;

/**
 * Leader-only pruning of the membership rows of dead nodes, checked every node TTL (one small delete)
 * and at once on election. Each run is fenced by the leader's lease like the other housekeeping: a
 * paused ex-leader cannot prune alongside the new one. A live node that was pruned anyway (it was
 * unreachable that long) registers again at its next heartbeat.
 */
export class DeadNodePruning {
  readonly #job: LeaderJob;

  constructor(
    private readonly deps: {
      database: Database;
      leases: Leases;
      leader: LeaderElector;
      nodeTtlMs: number;
      logger: Logger;
    },
  ) {
    this.#job = new LeaderJob({
      leader: deps.leader,
      intervalMs: deps.nodeTtlMs,
      logger: deps.logger,
      failure: 'could not prune dead nodes',
      run: (lease) => this.#prune(lease),
    });
  }

  /** How long a silent node stays listed. */
  get retentionMs(): number {
    return DEAD_NODE_RETENTION_TTLS * this.deps.nodeTtlMs;
  }

  start(): void {
    this.#job.start();
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }

  /** One run if this node leads (exposed for tests); the number of rows removed. */
  runOnce(): Promise<number> {
    return this.#job.runOnce();
  }

  async #prune(lease: Lease): Promise<number> {
    const { database, leases, logger } = this.deps;
    const removed = await database.transaction(async (trx) => {
      await leases.fence(trx, lease);
      return forgetSilentNodes(trx, database.dialect, this.retentionMs);
    });
    if (removed.length)
      logger.info(
        { nodes: removed, silentForMs: this.retentionMs },
        'forgot nodes that stopped heartbeating',
      );
    return removed.length;
  }
}
