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
];
