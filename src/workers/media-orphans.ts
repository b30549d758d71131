import type { Logger } from 'pino';
import type { LeaderElector } from '../cluster/leader.js';
import type { Leases } from '../cluster/leases.js';
import type { MediaLibrary } from '../media/library.js';

// Files removed per run: a large backlog is cleaned over several runs.
const BATCH = 500;

/**
 * Leader-only cleanup of orphaned files (uploaded, never attached, older than the grace period). Each
 * deletion runs in a transaction fenced by the leader's lease, so a paused ex-leader cannot delete
 * alongside the new one; the bytes go after the commit, as for any deletion.
 */
export class MediaOrphanCleanup {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly deps: {
      media: MediaLibrary;
      leases: Leases;
      leader: LeaderElector;
      graceMs: number;
      intervalMs: number;
      logger: Logger;
    },
  ) {}

  start(): void {
    if (this.deps.graceMs === 0) return;
    this.#unsubscribe.push(this.deps.leader.onElected(() => void this.runOnce()));
    this.#timer = setInterval(() => void this.runOnce(), this.deps.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#running?.catch(() => 0);
  }

  /** One cleanup run if this node leads (exposed for tests); the number of files removed. */
  runOnce(): Promise<number> {
    this.#running ??= this.#clean().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #clean(): Promise<number> {
    const { media, leader, leases, logger, graceMs } = this.deps;
    const lease = leader.lease;
    if (!lease || !leader.isLeader) return 0;
    let removed = 0;
    try {
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
    } catch (err) {
      if ((err as Error).name !== 'StaleLeaseError')
        logger.warn({ err: (err as Error).message }, 'media orphan cleanup failed');
    }
    return removed;
  }
}
