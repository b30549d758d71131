import type { Logger } from 'pino';
import type { LeaderElector } from './leader.js';
import type { Lease } from './leases.js';

/**
 * Singleton housekeeping that runs on the leader only: every `intervalMs` and at once on election, one
 * run at a time. Each run gets the lease it runs under, to fence its transactions with (`Leases.fence`),
 * so a paused ex-leader cannot run alongside the new one: its fenced writes fail with StaleLeaseError,
 * which ends the run quietly. Other failures are logged; the next run tries again.
 */
export class LeaderJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly options: {
      leader: LeaderElector;
      intervalMs: number;
      logger: Logger;
      /** The log message of a failed run. */
      failure: string;
      /** One run; resolves to how much it did (rows, files…), for logs and tests. */
      run: (lease: Lease) => Promise<number>;
    },
  ) {}

  start(): void {
    this.#unsubscribe.push(this.options.leader.onElected(() => void this.runOnce()));
    this.#timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#running?.catch(() => 0);
  }

  /** One run if this node leads (0 otherwise); a run already under way is joined, not doubled. */
  runOnce(): Promise<number> {
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #run(): Promise<number> {
    const { leader, logger, failure, run } = this.options;
    const lease = leader.lease;
    if (!lease || !leader.isLeader) return 0;
    try {
      return await run(lease);
    } catch (err) {
      if ((err as Error).name !== 'StaleLeaseError') logger.warn({ err: (err as Error).message }, failure);
      return 0;
    }
  }
}
