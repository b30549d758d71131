import { sql } from 'kysely';
import type { Database, Executor } from '../db/types.js';

/** A lease held by one node: its fencing token increases every time the lease changes hands. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly token: number;
}

export interface LeaseRow extends Lease {
  readonly expiresAt: string;
  readonly expired: boolean;
}

/** Work carrying a fencing token that is no longer current: it must not take effect. */
export class StaleLeaseError extends Error {
  override readonly name = 'StaleLeaseError';
  constructor(readonly lease: Lease) {
    super(`lease ${lease.name} token ${lease.token} held by ${lease.holder} is no longer current`);
  }
}

const TABLE = 'quorum_leases';

/**
 * Leases in the database (table quorum_leases), timed by the database's clock so that nodes with skewed
 * clocks agree. Taking over an expired lease is a compare-and-set on the token, so two nodes can never
 * both win; the token grows on every change of holder.
 */
export class Leases {
  constructor(private readonly database: Database) {}

  #now(offsetMs = 0) {
    return this.database.dialect.now(offsetMs);
  }

  /** Takes or renews the lease; returns it, or undefined when another node holds it. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return this.database.transaction(async (trx) => {
      // A holder stalled inside a fenced transaction keeps the lease row locked (see fence). Wait for
      // that lock no longer than the elector waits for us (a third of the TTL): without a bound, every
      // tick left one more transaction blocked on the lock, until this node's pool was full and all its
      // queries (HTTP requests included) hung behind them.
      if (this.database.kind === 'postgres') {
        const waitMs = Math.max(50, Math.floor(ttlMs / 3));
        await sql`select set_config('lock_timeout', ${`${waitMs}ms`}, true)`.execute(trx);
      }
      const current = await this.#read(trx, name);
      if (!current) {
        const inserted = await sql<{
          token: number | string;
        }>`insert into ${sql.table(TABLE)} (name, holder, token, expires_at, acquired_at, renewed_at)
          values (${name}, ${holder}, 1, ${this.#now(ttlMs)}, ${this.#now()}, ${this.#now()})
          on conflict (name) do nothing returning token`.execute(trx);
        return inserted.rows.length ? { name, holder, token: 1 } : undefined;
      }
      if (current.holder === holder && !current.expired) {
        await trx
          .updateTable(TABLE)
          .set({ expires_at: this.#now(ttlMs), renewed_at: this.#now() })
          .where('name', '=', name)
          .where('token', '=', current.token)
          .execute();
        return { name, holder, token: current.token };
      }
      if (!current.expired) return undefined;
      const taken = await trx
        .updateTable(TABLE)
        .set({
          holder,
          token: current.token + 1,
          expires_at: this.#now(ttlMs),
          acquired_at: this.#now(),
          renewed_at: this.#now(),
        })
        .where('name', '=', name)
        .where('token', '=', current.token)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) === 1 ? { name, holder, token: current.token + 1 } : undefined;
    });
  }

  /** Extends a lease we hold and that has not expired; false when it is no longer ours. */
  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const result = await this.database.db
      .updateTable(TABLE)
      .set({ expires_at: this.#now(ttlMs), renewed_at: this.#now() })
      .where('name', '=', lease.name)
      .where('holder', '=', lease.holder)
      .where('token', '=', lease.token)
      .where('expires_at', '>', this.#now())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease up at once (graceful shutdown), so another node need not wait for it to expire. */
  async release(lease: Lease): Promise<void> {
    await this.database.db
      .updateTable(TABLE)
      .set({ expires_at: this.#now() })
      .where('name', '=', lease.name)
      .where('holder', '=', lease.holder)
      .where('token', '=', lease.token)
      .execute();
  }

  async read(name: string): Promise<LeaseRow | undefined> {
    return this.#read(this.database.db, name);
  }

  async #read(db: Executor, name: string): Promise<LeaseRow | undefined> {
    const row = await db
      .selectFrom(TABLE)
      .select(['name', 'holder', 'token', 'expires_at'])
      .select(sql<number>`case when expires_at <= ${this.#now()} then 1 else 0 end`.as('expired'))
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      name: row.name as string,
      holder: row.holder as string,
      token: Number(row.token),
      expiresAt: String(row.expires_at),
      expired: Number(row.expired) === 1,
    };
  }

  /**
   * Inside a transaction doing leader work: proves the lease is still current, and (on PostgreSQL)
   * locks its row until the transaction ends, so a takeover waits for the work to commit. Work from a
   * node whose lease was taken over (it was paused, partitioned…) is rejected with StaleLeaseError.
   */
  async fence(trx: Executor, lease: Lease): Promise<void> {
    const postgres = this.database.kind === 'postgres';
    let query = trx
      .selectFrom(TABLE)
      .select('token')
      .where('name', '=', lease.name)
      .where('holder', '=', lease.holder)
      .where('token', '=', lease.token)
      .where('expires_at', '>', this.#now());
    if (postgres)
      query = query
        .select(sql<number>`extract(epoch from (expires_at - clock_timestamp())) * 1000`.as('left_ms'))
        .forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw new StaleLeaseError(lease);
    if (postgres) {
      // The lock blocks any takeover until this transaction ends. If this node freezes (SIGSTOP, a long
      // pause, a network partition) before it commits, PostgreSQL ends the session once the lease would
      // have expired, so the other nodes wait no longer than the lease, as they would for a dead leader.
      const leftMs = Math.max(100, Math.ceil(Number((row as { left_ms?: number }).left_ms)));
      await sql`select set_config('idle_in_transaction_session_timeout', ${`${leftMs}ms`}, true)`.execute(
        trx,
      );
    }
  }
}
