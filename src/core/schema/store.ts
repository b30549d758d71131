import { sql } from 'kysely';
import type { SqlDialect } from '../../db/dialect.js';
import type { Executor } from '../../db/types.js';
import type { SchemaDefinition, SchemaOwner } from './model.js';
import { buildSchema, type StoredDefinition } from './build.js';
import { tablesFromJson, tablesToJson, type PlannedTable } from './tables.js';
import type { Schema } from './registry.js';

const VERSION_KEY = 'schema_version';
const TABLES_KEY = 'table_specs';

interface Row {
  uid: string;
  kind: string;
  definition: unknown;
  owner: string;
  source: string | null;
}

/** The registry rows: every type and component the database knows, with its owner. */
export async function readStoredDefinitions(db: Executor, dialect: SqlDialect): Promise<StoredDefinition[]> {
  const rows = (await db
    .selectFrom('quorum_schemas')
    .select(['uid', 'kind', 'definition', 'owner', 'source'])
    .orderBy('uid')
    .execute()) as Row[];
  return rows.map((row) => ({
    uid: row.uid,
    modelType: row.kind === 'component' ? 'component' : 'contentType',
    definition: dialect.fromDb('json', row.definition) as SchemaDefinition,
    source: (row.owner === 'file'
      ? { owner: 'file', path: row.source ?? '' }
      : { owner: 'database' }) as SchemaOwner,
  }));
}

export async function readSchemaVersion(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('quorum_state')
    .select('value')
    .where('key', '=', VERSION_KEY)
    .executeTakeFirst();
  return row ? Number(row.value) : 0;
}

/** Loads the current schema from the registry (no file is read). */
export async function loadStoredSchema(db: Executor, dialect: SqlDialect): Promise<Schema> {
  const [definitions, version] = await Promise.all([
    readStoredDefinitions(db, dialect),
    readSchemaVersion(db),
  ]);
  return buildSchema(definitions, version);
}

/** Replaces the registry rows and bumps the version; runs inside the schema-lock transaction. */
export async function writeStoredDefinitions(
  trx: Executor,
  dialect: SqlDialect,
  definitions: StoredDefinition[],
  version: number,
): Promise<void> {
  const now = new Date().toISOString();
  await trx.deleteFrom('quorum_schemas').execute();
  for (const def of definitions) {
    await trx
      .insertInto('quorum_schemas')
      .values({
        uid: def.uid,
        kind: def.modelType === 'component' ? 'component' : 'contentType',
        definition: dialect.toDb('json', def.definition),
        owner: def.source.owner,
        source: def.source.owner === 'file' ? def.source.path : null,
        updated_at: now,
      })
      .execute();
  }
  await sql`delete from quorum_state where "key" = ${VERSION_KEY}`.execute(trx);
  await trx
    .insertInto('quorum_state')
    .values({ key: VERSION_KEY, value: String(version) })
    .execute();
}

/** The table layout last applied (see diffSchemas), or undefined for databases laid out before it was kept. */
export async function readStoredTables(db: Executor): Promise<PlannedTable[] | undefined> {
  const row = await db
    .selectFrom('quorum_state')
    .select('value')
    .where('key', '=', TABLES_KEY)
    .executeTakeFirst();
  return row ? tablesFromJson(String(row.value)) : undefined;
}

export async function writeStoredTables(trx: Executor, tables: readonly PlannedTable[]): Promise<void> {
  const value = tablesToJson(tables);
  const current = await trx
    .selectFrom('quorum_state')
    .select('value')
    .where('key', '=', TABLES_KEY)
    .executeTakeFirst();
  if (current?.value === value) return;
  await trx.deleteFrom('quorum_state').where('key', '=', TABLES_KEY).execute();
  await trx.insertInto('quorum_state').values({ key: TABLES_KEY, value }).execute();
}
