import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { CoreContext } from '../core/context.js';
import { createDocument, upsertSingleDocument } from '../core/documents/write.js';
import { ConfigError } from '../config/index.js';

/**
 * Loads a seed file into an empty database: `{ "<uid>": [ {...}, ... ] }` for collection types and
 * `{ "<uid>": {...} }` for single types, in file order, created through the same operations the API
 * uses (so they are validated and published). An entry may name itself with `"__key": "ada"`; a later
 * relation value `"@ada"` (alone or in an array, anywhere in the entry) becomes that document's
 * documentId. Runs only when every content table is empty, so restarts never duplicate.
 */
export async function seedIfEmpty(ctx: CoreContext, file: string): Promise<number> {
  if (!existsSync(file)) throw new ConfigError(`seed file ${file} does not exist`);
  const schema = ctx.schema();
  for (const type of schema.contentTypes.values()) {
    // Quorum's own types (roles, permissions) are filled at start: only the app's types count.
    if (type.uid.startsWith('plugin::')) continue;
    const { rows } = await sql`select 1 from ${sql.id(type.tableName)} limit 1`.execute(ctx.database.db);
    if (rows.length) return 0;
  }
  let seed: Record<string, unknown>;
  try {
    seed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`seed file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const keys = new Map<string, string>();
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('@')) {
      const documentId = keys.get(value.slice(1));
      if (!documentId)
        throw new ConfigError(`seed file ${file}: reference ${value} names no earlier "__key"`);
      return documentId;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const prepare = (entry: unknown): { key?: string; data: unknown } => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return { data: entry };
    const { __key: key, ...data } = entry as Record<string, unknown>;
    return { key: typeof key === 'string' ? key : undefined, data: resolve(data) };
  };

  let created = 0;
  for (const [uid, entries] of Object.entries(seed)) {
    const type = schema.contentTypes.get(uid);
    if (!type) throw new ConfigError(`seed file ${file}: unknown content type ${uid}`);
    const list = type.kind === 'singleType' ? [entries] : entries;
    if (!Array.isArray(list))
      throw new ConfigError(`seed file ${file}: ${uid} must be an array of documents`);
    for (const entry of list) {
      const { key, data } = prepare(entry);
      const document =
        type.kind === 'singleType'
          ? await upsertSingleDocument(ctx, type, { data, params: {} })
          : await createDocument(ctx, type, { data, params: {} });
      if (key) keys.set(key, document.documentId as string);
      created++;
    }
  }
  return created;
}
