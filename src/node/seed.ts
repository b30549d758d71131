import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { CoreContext } from '../core/context.js';
import { createDocument, upsertSingleDocument } from '../core/documents/write.js';
import { ConfigError } from '../config/index.js';

/**
 * Loads a seed file into an empty database: `{ "<uid>": [ {...}, ... ] }` for collection types and
 * `{ "<uid>": {...} }` for single types, created through the same operations the API uses (so they are
 * validated and published). Runs only when every content table is empty, so restarts never duplicate.
 */
export async function seedIfEmpty(ctx: CoreContext, file: string): Promise<number> {
  if (!existsSync(file)) throw new ConfigError(`seed file ${file} does not exist`);
  const schema = ctx.schema();
  for (const type of schema.contentTypes.values()) {
    const { rows } = await sql`select 1 from ${sql.id(type.tableName)} limit 1`.execute(ctx.database.db);
    if (rows.length) return 0;
  }
  let seed: Record<string, unknown>;
  try {
    seed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`seed file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  let created = 0;
  for (const [uid, entries] of Object.entries(seed)) {
    const type = schema.contentTypes.get(uid);
    if (!type) throw new ConfigError(`seed file ${file}: unknown content type ${uid}`);
    if (type.kind === 'singleType') {
      await upsertSingleDocument(ctx, type, { data: entries, params: {} });
      created++;
      continue;
    }
    if (!Array.isArray(entries))
      throw new ConfigError(`seed file ${file}: ${uid} must be an array of documents`);
    for (const data of entries) {
      await createDocument(ctx, type, { data, params: {} });
      created++;
    }
  }
  return created;
}
