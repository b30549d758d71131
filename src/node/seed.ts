import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { inTransaction, type CoreContext } from '../core/context.js';
import { createDocument, upsertSingleDocument } from '../core/documents/write.js';
import { contentChanged } from '../core/documents/transaction.js';
import { ApplicationError } from '../core/errors.js';
import { withSchemaLock } from '../db/lock.js';
import { ConfigError } from '../config/index.js';

/**
 * Loads a seed file into an empty database: `{ "<uid>": [ {...}, ... ] }` for collection types and
 * `{ "<uid>": {...} }` for single types, in file order, created through the same operations the API
 * uses (so they are validated and published). An entry may name itself with `"__key": "ada"`; a later
 * relation value `"@ada"` (alone or in an array, anywhere in the entry) becomes that document's
 * documentId. Runs only when every content table is empty, so restarts never duplicate.
 *
 * The check and every write run in one transaction under the schema lock: of nodes starting together on
 * an empty database exactly one loads the seed (the others wait, then find it loaded), and a seed that
 * fails half-way leaves nothing behind, so the next start tries again. Returns the documents created.
 */
export async function seedIfEmpty(ctx: CoreContext, file: string): Promise<number> {
  if (!existsSync(file)) throw new ConfigError(`seed file ${file} does not exist`);
  const loaded = await withSchemaLock(ctx.database, async (trx) => {
    const tx = inTransaction(ctx, trx);
    return (await appTablesEmpty(tx)) ? loadSeed(tx, file) : undefined;
  });
  if (!loaded) return 0;
  // The writes joined the lock's transaction: what they signalled came before its commit.
  contentChanged(ctx, loaded.uids);
  return loaded.created;
}

async function appTablesEmpty(ctx: CoreContext): Promise<boolean> {
  for (const type of ctx.schema().contentTypes.values()) {
    // Quorum's own types (roles, permissions) are filled at start: only the app's types count.
    if (type.uid.startsWith('plugin::')) continue;
    const { rows } = await sql`select 1 from ${sql.id(type.tableName)} limit 1`.execute(ctx.database.db);
    if (rows.length) return false;
  }
  return true;
}

async function loadSeed(ctx: CoreContext, file: string): Promise<{ created: number; uids: string[] }> {
  const schema = ctx.schema();
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
    for (const [index, entry] of list.entries()) {
      const { key, data } = prepare(entry);
      const document = await (
        type.kind === 'singleType'
          ? upsertSingleDocument(ctx, type, { data, params: {} })
          : createDocument(ctx, type, { data, params: {} })
      ).catch((err: unknown) => {
        // Bad data in the file (the API would answer 400): say which entry, in the start's one line.
        if (!(err instanceof ApplicationError)) throw err;
        const where = type.kind === 'singleType' ? uid : `${uid} entry ${index + 1}`;
        throw new ConfigError(`seed file ${file}: ${where}: ${err.message}`);
      });
      if (key) keys.set(key, document.documentId as string);
      created++;
    }
  }
  return { created, uids: Object.keys(seed) };
}
