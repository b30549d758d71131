import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Logger } from 'pino';
import { RateLimitError } from '../core/errors.js';
import type { Database } from '../db/types.js';

export interface BruteForceOptions {
  /** Failed logins per identifier (and per address) within `windowMs` that cause a lock-out. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** The first lock-out; each further one doubles, up to MAX_LOCK_MS. */
  readonly lockMs: number;
}

export interface LoginAttempt {
  /** What the client typed as identifier (email or username); compared lower-cased. */
  readonly identifier: string;
  /**
   * The account the identifier names, when it names one (e.g. its documentId): failures are then
   * counted per account, so a username locked out cannot still be attacked through the same
   * account's email. Identifiers that name nobody are counted by themselves, in the same way.
   */
  readonly account?: string;
  /** The client's address (request.ip: behind a proxy only right when server.trustProxy is set). */
  readonly address: string;
}

/** An attempt the guard let through: the caller reports how it ended. */
export interface LoginTicket {
  /** Unknown identifier or wrong password. */
  failed(): Promise<void>;
  /** The user logged in: the identifier's failures and back-off are forgotten. */
  succeeded(): Promise<void>;
}

/**
 * Lock-out of login attempts, shared by every node of a cluster. `begin` runs before the password is
 * checked, so a locked identifier learns nothing, not even whether the password was right.
 */
export interface LoginGuard {
  /** Throws RateLimitError (429) while the identifier or the address is locked. */
  begin(attempt: LoginAttempt): Promise<LoginTicket>;
}

export const MAX_LOCK_MS = 24 * 60 * 60 * 1000;
export const LOCKED_MESSAGE = 'Too many failed login attempts, please try again later.';

const T = sql.raw('quorum_login_failures');
const col = (name: string) => sql.raw(`quorum_login_failures."${name}"`);
const ms = (value: number): RawBuilder<number> => sql<number>`cast(${value} as bigint)`;

/**
 * Failures counted in the database (table quorum_login_failures): one row per account (or per
 * identifier that names no account, see loginKey) and one per address. A failure is one upsert of both
 * rows that does the whole bookkeeping in SQL — restart the count when the window is over, lock at
 * `maxFailures`, double the lock of a row locked again within a window of its last lock-out — so
 * concurrent failures on any number of nodes are all counted. Checking costs one select; a success one
 * delete, only when the account had failures.
 */
export class DatabaseLoginGuard implements LoginGuard {
  #nextPruneAt = 0;

  constructor(
    private readonly database: Database,
    private readonly options: BruteForceOptions,
    private readonly logger?: Logger,
  ) {}

  async begin(attempt: LoginAttempt): Promise<LoginTicket> {
    const identifierKey = loginKey(attempt);
    const addressKey = `ip:${attempt.address}`;
    const { rows } = await sql<{ key: string; locked_until: number | string }>`
      select "key", "locked_until" from ${T} where "key" in (${identifierKey}, ${addressKey})`.execute(
      this.database.db,
    );
    const now = Date.now();
    const lockedUntil = Math.max(0, ...rows.map((row) => Number(row.locked_until)));
    if (lockedUntil > now) throw new RateLimitError(LOCKED_MESSAGE, lockedUntil - now, 'QUORUM_LOGIN_LOCKED');
    const known = rows.some((row) => row.key === identifierKey);
    return {
      failed: () => this.#recordFailure(identifierKey, addressKey, attempt.address),
      succeeded: async () => {
        if (known) await sql`delete from ${T} where "key" = ${identifierKey}`.execute(this.database.db);
      },
    };
  }

  async #recordFailure(identifierKey: string, addressKey: string, address: string): Promise<void> {
    const { maxFailures, windowMs, lockMs } = this.options;
    const now = Date.now();
    // A new row: its first failure, or at once a lock-out when one failure is the limit.
    const first =
      maxFailures <= 1
        ? { failures: 0, lockedUntil: now + lockMs, lockMs }
        : { failures: 1, lockedUntil: 0, lockMs: 0 };
    const row = (key: string) =>
      sql`(${key}, ${first.failures}, ${ms(now)}, ${ms(first.lockedUntil)}, ${ms(first.lockMs)}, ${ms(now)})`;
    // An existing row (every reference to a column reads the row as it was before this statement).
    const windowOver = sql`(${col('window_start')} + ${ms(windowMs)} <= ${ms(now)})`;
    const failures = sql`(case when ${windowOver} then 1 else ${col('failures')} + 1 end)`;
    const locking = sql`(${failures} >= ${maxFailures} and ${col('locked_until')} <= ${ms(now)})`;
    const nextLock = sql`(case
      when ${col('lock_ms')} = 0 or ${col('locked_until')} + ${ms(windowMs)} <= ${ms(now)} then ${ms(lockMs)}
      when ${col('lock_ms')} * 2 >= ${ms(MAX_LOCK_MS)} then ${ms(MAX_LOCK_MS)}
      else ${col('lock_ms')} * 2 end)`;
    const { rows } = await sql<{ key: string; locked_until: number | string; lock_ms: number | string }>`
      insert into ${T} ("key", "failures", "window_start", "locked_until", "lock_ms", "updated_at")
      values ${row(identifierKey)}, ${row(addressKey)}
      on conflict ("key") do update set
        "failures" = case when ${locking} then 0 else ${failures} end,
        "window_start" = case when ${locking} or ${windowOver} then ${ms(now)} else ${col('window_start')} end,
        "lock_ms" = case when ${locking} then ${nextLock} else ${col('lock_ms')} end,
        "locked_until" = case when ${locking} then ${ms(now)} + ${nextLock} else ${col('locked_until')} end,
        "updated_at" = ${ms(now)}
      returning "key", "locked_until", "lock_ms"`.execute(this.database.db);
    for (const r of rows) {
      // Locked by this very statement: its lock ends one lock period from now.
      if (Number(r.locked_until) !== now + Number(r.lock_ms)) continue;
      const what = r.key === addressKey ? { by: 'address', address } : { by: 'identifier' };
      this.logger?.warn({ ...what, lockMs: Number(r.lock_ms) }, 'login locked after repeated failures');
    }
    if (now >= this.#nextPruneAt) await this.#prune(now);
  }

  /** Deletes rows that no longer matter: no failure within a window and no lock-out that could still escalate. */
  async #prune(now: number): Promise<void> {
    const { windowMs } = this.options;
    this.#nextPruneAt = now + windowMs;
    try {
      await sql`delete from ${T} where "updated_at" <= ${ms(now - windowMs)} and "locked_until" <= ${ms(now - windowMs)}`.execute(
        this.database.db,
      );
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, 'could not prune old login failures');
    }
  }
}

/**
 * The row that counts an attempt's failures: the account's when the identifier names one, otherwise
 * the identifier's (hashed, so the table holds no e-mail addresses and no key is ever too long). Both
 * kinds lock after the same number of failures, so a lock-out does not tell which identifiers exist.
 */
function loginKey(attempt: LoginAttempt): string {
  const hash = (value: string) => createHash('sha256').update(value).digest('base64url');
  return attempt.account !== undefined
    ? `account:${hash(attempt.account)}`
    : `id:${hash(attempt.identifier.toLowerCase())}`;
}

/**
 * The login guard a node uses. Only the database implementation exists; a Redis one (the same rows as
 * hashes, updated by a Lua script) belongs here, picked when the configuration names a Redis server.
 */
export function createLoginGuard(
  options: BruteForceOptions,
  deps: { database: Database; logger?: Logger },
): LoginGuard {
  return new DatabaseLoginGuard(deps.database, options, deps.logger);
}
