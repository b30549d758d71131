import type { Logger } from 'pino';
import type { Lease, Leases } from './leases.js';
import { withTimeout } from '../lib/with-timeout.js';

export interface LeaderOptions {
  readonly name: string;
  readonly nodeId: string;
  /** How long a lease lasts without renewal: the longest a dead leader blocks singleton work. */
  readonly ttlMs: number;
  readonly logger?: Logger;
}

type Listener = (lease: Lease) => void;

/**
 * Leader election on a lease. The leader renews every third of the TTL; it steps down on its own when
 * it has not renewed within the TTL minus a safety margin (by its own clock), even if the database
 * never answers — so it stops leader work before anyone else can have taken over. Work done as leader
 * carries the fencing token (see Leases.fence), which makes a leader that was paused past its lease harmless.
 */
export class LeaderElector {
  #lease: Lease | undefined;
  /** Local time until which our lease is certainly ours. */
  #validUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #stopped = false;
  /** The tick in progress, if any: stop() waits for it before releasing the lease. */
  #ticking: Promise<void> | undefined;
  /** A lease a tick took while stop() was already under way: stop() releases it too. */
  #takenWhileStopping: Lease | undefined;
  readonly #elected = new Set<Listener>();
  readonly #demoted = new Set<Listener>();

  constructor(
    private readonly leases: Leases,
    private readonly options: LeaderOptions,
  ) {}

  get lease(): Lease | undefined {
    return this.#lease;
  }

  get isLeader(): boolean {
    return this.#lease !== undefined && Date.now() < this.#validUntil;
  }

  onElected(listener: Listener): () => void {
    this.#elected.add(listener);
    return () => this.#elected.delete(listener);
  }

  onDemoted(listener: Listener): () => void {
    this.#demoted.add(listener);
    return () => this.#demoted.delete(listener);
  }

  start(): void {
    const interval = Math.max(50, Math.floor(this.options.ttlMs / 3));
    this.#startTick();
    this.#timer = setInterval(() => this.#startTick(), interval);
    this.#timer.unref();
    this.#watchdog = setInterval(() => this.#checkDeadline(), Math.max(25, Math.floor(interval / 4)));
    this.#watchdog.unref();
  }

  #startTick(): void {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = this.#tick().finally(() => (this.#ticking = undefined));
  }

  async #tick(): Promise<void> {
    const started = Date.now();
    try {
      const timeout = Math.max(50, Math.floor(this.options.ttlMs / 3));
      const lease = await withTimeout(
        this.leases.acquire(this.options.name, this.options.nodeId, this.options.ttlMs),
        timeout,
      );
      if (this.#stopped) {
        if (lease && !this.#lease) this.#takenWhileStopping = lease;
        return;
      }
      if (lease && (!this.#lease || lease.token === this.#lease.token)) {
        // Measured from before the request: the database may have set the expiry any time after it.
        this.#validUntil = started + this.options.ttlMs - this.#margin();
        if (!this.#lease) {
          this.#lease = lease;
          // `fencingToken`, not `token`: the logger redacts any field named token.
          this.options.logger?.info({ lease: lease.name, fencingToken: lease.token }, 'became leader');
          for (const listener of this.#elected) listener(lease);
        }
      } else if (this.#lease) {
        this.#demote('lease taken by another node');
      }
    } catch (err) {
      this.options.logger?.warn({ err: (err as Error).message }, 'could not renew or acquire the lease');
      this.#checkDeadline();
    }
  }

  #margin(): number {
    return Math.max(20, Math.floor(this.options.ttlMs / 5));
  }

  #checkDeadline(): void {
    if (this.#lease && Date.now() >= this.#validUntil) this.#demote('lease not renewed in time');
  }

  #demote(reason: string): void {
    const lease = this.#lease;
    if (!lease) return;
    this.#lease = undefined;
    this.#validUntil = 0;
    this.options.logger?.warn(
      { lease: lease.name, fencingToken: lease.token, reason },
      'stepped down as leader',
    );
    for (const listener of this.#demoted) listener(lease);
  }

  /** Stops campaigning and releases the lease if held, so another node takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#watchdog) clearInterval(this.#watchdog);
    // A renewal still in flight would commit after our release and extend the lease by a whole TTL,
    // leaving the cluster leaderless that long: let it finish first (it is bounded by its timeout).
    await this.#ticking;
    const lease = this.#lease ?? this.#takenWhileStopping;
    if (lease) {
      this.#demote('shutting down');
      await this.leases
        .release(lease)
        .catch((err: Error) =>
          this.options.logger?.warn({ err: err.message }, 'could not release the lease'),
        );
    }
  }
}
