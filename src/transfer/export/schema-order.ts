import { buildSchema } from '../../core/schema/build.js';
import type { SchemaFile } from '../../core/schema/load-files.js';
import type { Schema } from '../../core/schema/registry.js';
import { readSchemaVersion, readStoredDefinitions } from '../../core/schema/store.js';
import type { Database } from '../../db/types.js';

/**
 * The schema an export writes: the database's (what its tables hold), with keys in the order of the
 * app's schema files. Order is what an entity's fields and a schema line follow, and PostgreSQL keeps
 * the registry in jsonb, which sorts keys; the files still have the order the project wrote. A type no
 * file defines (created at runtime) keeps the order the database gives.
 */
export async function schemaInFileOrder(
  database: Database,
  files: readonly SchemaFile[] = [],
): Promise<Schema> {
  const byUid = new Map(files.map((file) => [file.uid, file.definition]));
  const definitions = (await readStoredDefinitions(database.db, database.dialect)).map((stored) => {
    const file = byUid.get(stored.uid);
    return file
      ? { ...stored, definition: inOrderOf(stored.definition, file) as typeof stored.definition }
      : stored;
  });
  return buildSchema(definitions, await readSchemaVersion(database.db));
}

/** `value` with its object keys (at every depth) in `order`'s order where `order` has them, the others after. */
export function inOrderOf(value: unknown, order: unknown): unknown {
  if (!isObject(value) || !isObject(order)) return value;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(order)) if (key in value) result[key] = inOrderOf(value[key], order[key]);
  for (const key of Object.keys(value)) if (!(key in result)) result[key] = value[key];
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
