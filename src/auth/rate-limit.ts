import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';

export interface RateLimitOptions {
  /** Hits allowed per key and window; the next one is refused until the window ends. */
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** When refused: how long until the window ends. */
  readonly retryAfterMs: number;
}

/** Counts hits per key in fixed windows that every node of a cluster shares. */
export interface RateLimiter {
  hit(key: string): Promise<RateLimitDecision>;
}

const ALLOWED: RateLimitDecision = Object.freeze({ allowed: true, retryAfterMs: 0 });

/**
 * Fixed windows counted in the database (table quorum_rate_limits, one row per key): a hit is ONE
 * upsert that increments the row, or restarts it when its window is over, and returns the count.
 * Windows are aligned to the epoch, so nodes agree on their boundaries up to clock skew; a row written
 * by a node whose clock is ahead is counted in, never reset, by a node that is behind. Rows of past
 * windows are deleted at most once per window per node.
 */
export class DatabaseRateLimiter implements RateLimiter {
  #nextPruneAt = 0;

  constructor(
    private readonly database: Database,
    private readonly options: RateLimitOptions,
    private readonly logger?: Logger,
  ) {}

  async hit(key: string): Promise<RateLimitDecision> {
    const { max, windowMs } = this.options;
    const now = Date.now();
    const windowStart = now - (now % windowMs);
    const { rows } = await sql<{ hits: number | string; window_start: number | string }>`
      insert into quorum_rate_limits ("key", "window_start", "hits")
      values (${key}, cast(${windowStart} as bigint), 1)
      on conflict ("key") do update set
        "hits" = case when quorum_rate_limits."window_start" >= excluded."window_start"
          then quorum_rate_limits."hits" + 1 else 1 end,
        "window_start" = case when quorum_rate_limits."window_start" >= excluded."window_start"
          then quorum_rate_limits."window_start" else excluded."window_start" end
      returning "hits", "window_start"`.execute(this.database.db);
    if (now >= this.#nextPruneAt) await this.#prune(now, windowStart);
    const hits = Number(rows[0].hits);
    if (hits <= max) return ALLOWED;
    return { allowed: false, retryAfterMs: Math.max(0, Number(rows[0].window_start) + windowMs - now) };
  }

  /** Deletes rows older than the previous window (one window of slack for clock skew between nodes). */
  async #prune(now: number, windowStart: number): Promise<void> {
    this.#nextPruneAt = now + this.options.windowMs;
    try {
      await sql`delete from quorum_rate_limits where "window_start" < cast(${windowStart - this.options.windowMs} as bigint)`.execute(
        this.database.db,
      );
    } catch (err) {
      // Housekeeping only: the next window tries again; the request itself was counted.
      this.logger?.warn({ err: (err as Error).message }, 'could not prune old rate-limit windows');
    }
  }
}

/**
 * The rate limiter a node uses. Only the database implementation exists; a Redis one (INCR + PEXPIRE on
 * the same keys) belongs here, picked when the configuration names a Redis server.
 */
export function createRateLimiter(
  options: RateLimitOptions,
  deps: { database: Database; logger?: Logger },
): RateLimiter {
  return new DatabaseRateLimiter(deps.database, options, deps.logger);
}
