import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';

export interface NodeInfo {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly alive: boolean;
}

const TABLE = 'quorum_nodes';

/** A node id that is unique across restarts and readable in logs: host, pid and a random suffix. */
export function newNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Which nodes are alive: each registers itself, heartbeats every `heartbeatMs`, deregisters on a
 * graceful stop; a node whose heartbeat is older than `ttlMs` counts as dead (and its row is pruned
 * later by the leader).
 */
export class Membership {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: Database,
    private readonly self: { id: string; host: string; port: number; version: string },
    private readonly options: { heartbeatMs: number; ttlMs: number; logger?: Logger },
  ) {}

  async register(): Promise<void> {
    const { db, dialect } = this.database;
    await db.deleteFrom(TABLE).where('id', '=', this.self.id).execute();
    await db
      .insertInto(TABLE)
      .values({
        id: this.self.id,
        host: this.self.host,
        port: this.self.port,
        version: this.self.version,
        pid: process.pid,
        started_at: dialect.now(),
        heartbeat_at: dialect.now(),
        info: null,
      })
      .execute();
    this.#timer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.#timer.unref();
  }

  async heartbeat(): Promise<void> {
    try {
      const result = await this.database.db
        .updateTable(TABLE)
        .set({ heartbeat_at: this.database.dialect.now() })
        .where('id', '=', this.self.id)
        .executeTakeFirst();
      // Pruned while we were unreachable: come back.
      if (Number(result.numUpdatedRows) === 0) await this.#reinsert();
    } catch (err) {
      this.options.logger?.warn({ err: (err as Error).message }, 'heartbeat failed');
    }
  }

  async #reinsert(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.register();
  }

  async deregister(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.database.db.deleteFrom(TABLE).where('id', '=', this.self.id).execute();
  }

  async list(): Promise<NodeInfo[]> {
    const { db, dialect } = this.database;
    const rows = await db
      .selectFrom(TABLE)
      .selectAll()
      .select((eb) =>
        eb
          .case()
          .when('heartbeat_at', '>', dialect.now(-this.options.ttlMs))
          .then(1)
          .else(0)
          .end()
          .as('alive'),
      )
      .orderBy('started_at')
      .execute();
    return rows.map((row) => ({
      id: row.id as string,
      host: row.host as string,
      port: Number(row.port),
      version: row.version as string,
      pid: Number(row.pid),
      startedAt: String(row.started_at),
      heartbeatAt: String(row.heartbeat_at),
      alive: Number(row.alive) === 1,
    }));
  }

  /** Forgets nodes dead for a long time (leader housekeeping). */
  async prune(olderThanMs: number): Promise<number> {
    const result = await this.database.db
      .deleteFrom(TABLE)
      .where('heartbeat_at', '<', this.database.dialect.now(-olderThanMs))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
