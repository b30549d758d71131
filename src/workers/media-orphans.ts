import type { Logger } from 'pino';
import type { LeaderElector } from '../cluster/leader.js';
import { LeaderJob } from '../cluster/leader-job.js';
import type { Lease, Leases } from '../cluster/leases.js';
import type { MediaLibrary } from '../media/library.js';

// Files removed per run: a large backlog is cleaned over several runs.
const BATCH = 500;

/**
 * Leader-only cleanup of orphaned files (uploaded, never attached, older than the grace period). Each
 * deletion runs in a transaction fenced by the leader's lease, so a paused ex-leader cannot delete
 * alongside the new one; the bytes go after the commit, as for any deletion.
 */
export class MediaOrphanCleanup {
  readonly #job: LeaderJob;

  constructor(
    private readonly deps: {
      media: MediaLibrary;
      leases: Leases;
      leader: LeaderElector;
      graceMs: number;
      intervalMs: number;
      logger: Logger;
    },
  ) {
    this.#job = new LeaderJob({
      leader: deps.leader,
      intervalMs: deps.intervalMs,
      logger: deps.logger,
      failure: 'media orphan cleanup failed',
      run: (lease) => this.#clean(lease),
    });
  }

  start(): void {
    if (this.deps.graceMs === 0) return;
    this.#job.start();
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }

  /** One cleanup run if this node leads (exposed for tests); the number of files removed. */
  runOnce(): Promise<number> {
    return this.#job.runOnce();
  }

  async #clean(lease: Lease): Promise<number> {
    const { media, leases, logger, graceMs } = this.deps;
    let removed = 0;
    for (const orphan of await media.orphans(graceMs, BATCH)) {
      try {
        await media.remove(orphan.id, { fence: (trx) => leases.fence(trx, lease), onlyOrphan: true });
        removed++;
      } catch (err) {
        // Attached or deleted meanwhile: the next run sees the new state.
        const name = (err as Error).name;
        if (name === 'NotFoundError' || name === 'ConflictError') continue;
        throw err;
      }
    }
    if (removed) logger.info({ files: removed }, 'removed orphaned media files');
    return removed;
  }
}
