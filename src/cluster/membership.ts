import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SqlDialect } from '../db/dialect.js';
import type { Database, Executor } from '../db/types.js';

export interface NodeInfo {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly alive: boolean;
  /** A hash of the node's derived keys: nodes with the same QUORUM_SECRET share it (null: older node). */
  readonly keyFingerprint: string | null;
}

const TABLE = 'quorum_nodes';

/** A node id that is unique across restarts and readable in logs: host, pid and a random suffix. */
export function newNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Which nodes are alive: each registers itself, heartbeats every `heartbeatMs`, deregisters on a
 * graceful stop; a node whose heartbeat is older than `ttlMs` counts as dead (and its row is pruned
 * later by the leader: cluster/dead-nodes.ts).
 */
export class Membership {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: Database,
    private readonly self: {
      id: string;
      host: string;
      port: number;
      version: string;
      keyFingerprint: string;
    },
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
        key_fingerprint: this.self.keyFingerprint,
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
      keyFingerprint: (row.key_fingerprint as string | null) ?? null,
    }));
  }
}

/** Forgets the nodes whose last heartbeat is older than `olderThanMs`; the ids of those removed. */
export async function forgetSilentNodes(
  trx: Executor,
  dialect: SqlDialect,
  olderThanMs: number,
): Promise<string[]> {
  const rows = await trx
    .deleteFrom(TABLE)
    .where('heartbeat_at', '<', dialect.now(-olderThanMs))
    .returning('id')
    .execute();
  return rows.map((row) => row.id as string);
}
