import { sql } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import type { Executor } from '../types.js';

/**
 * Quorum's own tables, versioned. A migration runs once per database, inside the schema-lock
 * transaction (see apply.ts), so two nodes starting together never both run it. Append only:
 * a released migration is never edited, a change is a new entry.
 */
export interface SystemMigration {
  readonly name: string;
  up(trx: Executor, dialect: SqlDialect): Promise<void>;
}

export const SYSTEM_MIGRATIONS: readonly SystemMigration[] = [
  {
    name: '0001-core',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      const json = d.columnType('json');
      await sql
        .raw(
          `create table quorum_state (
            "key" text primary key,
            "value" text not null
          )`,
        )
        .execute(trx);
      // The content-type registry: one row per content type or component, its Strapi-format schema,
      // and who owns it (a file in the app directory, or the database when created at runtime).
      await sql
        .raw(
          `create table quorum_schemas (
            "uid" text primary key,
            "kind" text not null,
            "definition" ${json} not null,
            "owner" text not null,
            "source" text,
            "updated_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_api_tokens (
            ${d.idColumnDefinition},
            "name" text not null unique,
            "description" text,
            "type" text not null,
            "access_key_hash" text not null unique,
            "permissions" ${json},
            "created_at" ${ts} not null,
            "expires_at" ${ts},
            "last_used_at" ${ts}
          )`,
        )
        .execute(trx);
    },
  },
  {
    // The coordination layer: leases with fencing tokens, node membership, scheduled document
    // actions and singleton task runs (each due time recorded once, with the fencing token it ran under).
    name: '0100-cluster',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      const big = d.columnType('bigint');
      const json = d.columnType('json');
      await sql
        .raw(
          `create table quorum_leases (
            "name" text primary key,
            "holder" text not null,
            "token" ${big} not null,
            "expires_at" ${ts} not null,
            "acquired_at" ${ts} not null,
            "renewed_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_nodes (
            "id" text primary key,
            "host" text not null,
            "port" integer not null,
            "version" text not null,
            "pid" integer,
            "started_at" ${ts} not null,
            "heartbeat_at" ${ts} not null,
            "info" ${json}
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_scheduled_actions (
            ${d.idColumnDefinition},
            "uid" text not null,
            "document_id" text not null,
            "action" text not null,
            "due_at" ${ts} not null,
            "status" text not null,
            "created_at" ${ts} not null,
            "done_at" ${ts},
            "token" ${big},
            "node" text,
            "error" text
          )`,
        )
        .execute(trx);
      await sql
        .raw(`create index quorum_scheduled_actions_due_idx on quorum_scheduled_actions ("status", "due_at")`)
        .execute(trx);
      await sql
        .raw(
          `create table quorum_task_runs (
            "task" text not null,
            "due_at" ${ts} not null,
            "token" ${big} not null,
            "node" text not null,
            "started_at" ${ts} not null,
            "finished_at" ${ts},
            "status" text not null,
            "error" text,
            primary key ("task", "due_at")
          )`,
        )
        .execute(trx);
    },
  },
  {
    // Counters for login lock-outs and auth-route rate limits, shared by every node (auth/brute-force.ts,
    // auth/rate-limit.ts). Times are epoch milliseconds, so both dialects do the arithmetic the same way.
    name: '0200-auth-throttling',
    async up(trx, d) {
      const ms = d.columnType('bigint');
      await sql
        .raw(
          `create table quorum_login_failures (
            "key" text primary key,
            "failures" integer not null,
            "window_start" ${ms} not null,
            "locked_until" ${ms} not null,
            "lock_ms" ${ms} not null,
            "updated_at" ${ms} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_rate_limits (
            "key" text primary key,
            "window_start" ${ms} not null,
            "hits" integer not null
          )`,
        )
        .execute(trx);
    },
  },
];
