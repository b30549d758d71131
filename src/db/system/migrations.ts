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
  {
    // Admin accounts (separate from end users), their roles and permissions, and refresh sessions.
    name: '0300-admin-accounts',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      const bool = d.columnType('boolean');
      const json = d.columnType('json');
      await sql
        .raw(
          `create table quorum_admin_users (
            ${d.idColumnDefinition},
            "email" text not null unique,
            "firstname" text,
            "lastname" text,
            "password" text not null,
            "is_active" ${bool} not null,
            "blocked" ${bool} not null,
            "created_at" ${ts} not null,
            "updated_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_admin_roles (
            ${d.idColumnDefinition},
            "code" text not null unique,
            "name" text not null unique,
            "description" text,
            "created_at" ${ts} not null,
            "updated_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_admin_user_roles (
            "user_id" integer not null references quorum_admin_users ("id") on delete cascade,
            "role_id" integer not null references quorum_admin_roles ("id") on delete cascade,
            primary key ("user_id", "role_id")
          )`,
        )
        .execute(trx);
      await sql
        .raw(`create index quorum_admin_user_roles_role_idx on quorum_admin_user_roles ("role_id")`)
        .execute(trx);
      await sql
        .raw(
          `create table quorum_admin_permissions (
            ${d.idColumnDefinition},
            "role_id" integer not null references quorum_admin_roles ("id") on delete cascade,
            "action" text not null,
            "subject" text,
            "conditions" ${json},
            "created_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(`create index quorum_admin_permissions_role_idx on quorum_admin_permissions ("role_id")`)
        .execute(trx);
      // One row per refresh token: rotation revokes the row and adds its successor to the same family;
      // a revoked token presented again revokes the whole family (reuse detection).
      await sql
        .raw(
          `create table quorum_admin_sessions (
            "id" text primary key,
            "user_id" integer not null references quorum_admin_users ("id") on delete cascade,
            "token_hash" text not null unique,
            "family" text not null,
            "expires_at" ${ts} not null,
            "revoked_at" ${ts},
            "created_at" ${ts} not null,
            "last_used_at" ${ts}
          )`,
        )
        .execute(trx);
      await sql
        .raw(`create index quorum_admin_sessions_family_idx on quorum_admin_sessions ("family")`)
        .execute(trx);
      await sql
        .raw(`create index quorum_admin_sessions_user_idx on quorum_admin_sessions ("user_id")`)
        .execute(trx);
    },
  },
  {
    // Content tables gained created_by_id / updated_by_id (core/schema/tables.ts). The schema diff compares
    // table specs derived with the same code on both sides, so it cannot see columns that only the code
    // changed: existing content tables (those with document_id and published_at) get them here. On a fresh
    // database there are no content tables yet and the schema sync creates them with the columns.
    name: '0301-content-authors',
    async up(trx, d) {
      const tables = await contentTablesWithout(trx, d, 'created_by_id');
      for (const table of tables) {
        for (const column of ['created_by_id', 'updated_by_id']) {
          await sql`alter table ${sql.id(table)} add column ${sql.id(column)} integer`.execute(trx);
        }
      }
    },
  },
  {
    // The transactional outbox: events written in the same transaction as the change that caused them,
    // and webhooks with one delivery row per (event, webhook), claimed by dispatchers on every node.
    name: '0400-outbox-webhooks',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      const json = d.columnType('json');
      const big = d.columnType('bigint');
      await sql
        .raw(
          `create table quorum_outbox (
            ${d.idColumnDefinition},
            "topic" text not null,
            "type" text not null,
            "key" text,
            "payload" text not null,
            "request_id" text,
            "traceparent" text,
            "status" text not null,
            "claimed_by" text,
            "claim_expires_at" ${ts},
            "attempts" integer not null default 0,
            "next_attempt_at" ${ts},
            "last_error" text,
            "created_at" ${ts} not null,
            "processed_at" ${ts}
          )`,
        )
        .execute(trx);
      await sql.raw(`create index quorum_outbox_status_idx on quorum_outbox ("status", "id")`).execute(trx);
      await sql
        .raw(
          `create table quorum_webhooks (
            ${d.idColumnDefinition},
            "name" text not null,
            "url" text not null,
            "headers" ${json} not null,
            "events" ${json} not null,
            "enabled" ${d.columnType('boolean')} not null,
            "secret" text not null,
            "created_at" ${ts} not null,
            "updated_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_webhook_deliveries (
            ${d.idColumnDefinition},
            "event_id" ${big} not null,
            "webhook_id" integer not null references quorum_webhooks (id) on delete cascade,
            "delivery_key" text not null unique,
            "event" text not null,
            "order_key" text,
            "status" text not null,
            "attempts" integer not null default 0,
            "next_attempt_at" ${ts} not null,
            "claimed_by" text,
            "claim_expires_at" ${ts},
            "last_status" integer,
            "last_error" text,
            "last_latency_ms" integer,
            "created_at" ${ts} not null,
            "delivered_at" ${ts},
            "dead_at" ${ts}
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create index quorum_webhook_deliveries_due_idx on quorum_webhook_deliveries ("status", "next_attempt_at")`,
        )
        .execute(trx);
      await sql
        .raw(
          `create index quorum_webhook_deliveries_order_idx on quorum_webhook_deliveries ("webhook_id", "order_key", "event_id")`,
        )
        .execute(trx);
    },
  },
  {
    // Dispatch needs: a delivery's own retry horizon (a replay restarts it), an index for the
    // per-document order check against events not yet fanned out, and one for pruning finished rows.
    name: '0401-webhook-dispatch',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      await sql.raw(`alter table quorum_webhook_deliveries add column "expires_at" ${ts}`).execute(trx);
      await sql
        .raw(`create index quorum_outbox_new_key_idx on quorum_outbox ("key", "id") where "status" = 'new'`)
        .execute(trx);
      await sql
        .raw(
          `create index quorum_outbox_processed_idx on quorum_outbox ("processed_at") where "status" = 'processed'`,
        )
        .execute(trx);
      await sql
        .raw(
          `create index quorum_webhook_deliveries_webhook_idx on quorum_webhook_deliveries ("webhook_id", "status", "id")`,
        )
        .execute(trx);
      await sql
        .raw(`create index quorum_webhook_deliveries_event_idx on quorum_webhook_deliveries ("event_id")`)
        .execute(trx);
    },
  },
  {
    // A webhook's headers (often a receiver's credentials) are sealed like its secret, as one JSON object
    // (webhooks/headers.ts). Sealing needs the key derived from QUORUM_SECRET, which migrations do
    // not have (`quorum schema apply` runs without it), so rows stored in plain `headers` are sealed by
    // each node at start (WebhookStore.sealPlaintextHeaders) and read in either form meanwhile.
    name: '0402-webhook-sealed-headers',
    async up(trx) {
      await sql.raw(`alter table quorum_webhooks add column "sealed_headers" text`).execute(trx);
    },
  },
  {
    // The database storage provider of the media library: an object's metadata, then its bytes in
    // fixed-size chunks keyed by (key, seq), so a Range read fetches only the chunks it covers.
    name: '0500-media-blobs',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      const bytes = d.kind === 'postgres' ? 'bytea' : 'blob';
      await sql
        .raw(
          `create table quorum_media_objects (
            "key" text primary key,
            "size" bigint not null,
            "chunk_size" integer not null,
            "content_type" text not null,
            "created_at" ${ts} not null
          )`,
        )
        .execute(trx);
      await sql
        .raw(
          `create table quorum_media_chunks (
            "key" text not null,
            "seq" integer not null,
            "data" ${bytes} not null,
            primary key ("key", "seq")
          )`,
        )
        .execute(trx);
    },
  },
  {
    // Built-in admin roles are seeded once, so an Editor or Author role created before the media library
    // lacks its grants. Add the missing ones (as a new database seeds them); grants an admin changed or
    // added stay as they are. A database without these roles yet gets them whole when they are seeded.
    name: '0501-admin-media-grants',
    async up(trx, d) {
      const grants: Record<string, readonly string[]> = {
        'strapi-editor': [
          'plugin::upload.read',
          'plugin::upload.assets.create',
          'plugin::upload.assets.update',
          'plugin::upload.assets.delete',
        ],
        'strapi-author': ['plugin::upload.read', 'plugin::upload.assets.create'],
      };
      const now = sql`cast(${new Date().toISOString()} as ${sql.raw(d.columnType('datetime'))})`;
      const noConditions = sql`cast(${d.toDb('json', [])} as ${sql.raw(d.columnType('json'))})`;
      for (const [code, actions] of Object.entries(grants)) {
        for (const action of actions) {
          await sql`insert into quorum_admin_permissions ("role_id", "action", "subject", "conditions", "created_at")
            select r."id", ${action}, null, ${noConditions}, ${now} from quorum_admin_roles r
            where r."code" = ${code} and not exists (
              select 1 from quorum_admin_permissions p where p."role_id" = r."id" and p."action" = ${action})`.execute(
            trx,
          );
        }
      }
    },
  },
  {
    // Each node publishes a fingerprint of its derived keys (config/keys.ts keyFingerprint), so a node
    // started with another QUORUM_SECRET can tell, and refuse readiness. Null for rows of older nodes.
    name: '0502-node-key-fingerprint',
    async up(trx) {
      await sql.raw(`alter table quorum_nodes add column "key_fingerprint" text`).execute(trx);
    },
  },
  {
    // Who scheduled an action: the leader re-checks that admin's publish grant on the document when
    // it carries the action out (workers/scheduler.ts). Null for actions scheduled before, and for
    // in-process callers: those run as the system, as they always did. No foreign key: deleting the
    // admin must not delete the row (the action then fails, saying why).
    name: '0503-scheduled-action-creator',
    async up(trx) {
      await sql.raw(`alter table quorum_scheduled_actions add column "created_by_id" integer`).execute(trx);
    },
  },
  {
    // i18n locales (core/locales): Strapi's `i18n_locale` columns. The default locale is not a column:
    // it is one quorum_state row (core/locales/store.ts), as Strapi keeps it in its core store, so there is
    // exactly one. `code` is unique here (Strapi checks it in its controller only): two nodes creating
    // the same locale at once must not both succeed.
    name: '0600-i18n-locales',
    async up(trx, d) {
      const ts = d.columnType('datetime');
      await sql
        .raw(
          `create table quorum_locales (
            ${d.idColumnDefinition},
            "document_id" text not null,
            "code" text not null unique,
            "name" text,
            "created_at" ${ts} not null,
            "updated_at" ${ts} not null,
            "published_at" ${ts} not null
          )`,
        )
        .execute(trx);
    },
  },
];

/**
 * Content tables (a document_id and a published_at column) that lack `column`. Quorum's own tables
 * (`quorum_`, a prefix content types may not use) are left out: quorum_locales has both columns, as
 * Strapi's locales table does, and is no content table.
 */
async function contentTablesWithout(trx: Executor, d: SqlDialect, column: string): Promise<string[]> {
  const query =
    d.kind === 'postgres'
      ? sql<{
          name: string;
          column_name: string;
        }>`select table_name as name, column_name from information_schema.columns
          where table_schema = current_schema() and column_name in ('document_id', 'published_at', ${column})`
      : sql<{ name: string; column_name: string }>`select m.name as name, p.name as column_name
          from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table' and p.name in ('document_id', 'published_at', ${column})`;
  const { rows } = await query.execute(trx);
  const columns = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = columns.get(row.name) ?? new Set<string>();
    set.add(row.column_name);
    columns.set(row.name, set);
  }
  return [...columns]
    .filter(([name]) => !name.toLowerCase().startsWith('quorum_'))
    .filter(([, set]) => set.has('document_id') && set.has('published_at') && !set.has(column))
    .map(([name]) => name)
    .sort();
}
