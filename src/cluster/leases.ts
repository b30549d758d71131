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
    let query = trx
      .selectFrom(TABLE)
      .select('token')
      .where('name', '=', lease.name)
      .where('holder', '=', lease.holder)
      .where('token', '=', lease.token)
      .where('expires_at', '>', this.#now());
    if (this.database.kind === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw new StaleLeaseError(lease);
  }
}
