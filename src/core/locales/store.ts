import { createId } from '@paralleldrive/cuid2';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { DEFAULT_LOCALE_KEY, readDefaultLocale } from '../schema/default-locale.js';
import { ISO_LOCALES } from './iso-locales.js';
import type { Schema } from '../schema/registry.js';
import { deleteRows } from '../schema/row-trees.js';
import { ownedRelations } from '../schema/relations.js';

/** One locale as Strapi's i18n answers it, keys in Strapi's order (recorded, strapi-fixture/i18n). */
export interface Locale {
  readonly id: number;
  readonly documentId: string;
  readonly name: string | null;
  readonly code: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly publishedAt: string;
  readonly isDefault: boolean;
}

/** A locale as configuration or the admin API names it. */
export interface LocaleInput {
  readonly code: string;
  readonly name?: string | null;
}

export const LOCALES_TABLE = 'quorum_locales';

/** Strapi's messages (i18n controllers, recorded answers admin-locales-*.json). */
const NOT_FOUND = 'locale.notFound';
const EXISTS = 'This locale already exists';
const DEFAULT_UNDELETABLE = 'Cannot delete the default locale';

type Row = {
  id: number;
  document_id: string;
  code: string;
  name: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  published_at: string | Date;
};

/**
 * The locales of the project and which one is the default. Nothing is cached: every read goes to the
 * database (locales are read by the admin and by `GET /api/i18n/locales`, rarely), so a change made
 * through any node is what the next read on every node sees. `changes` listeners run after each
 * committed change, before the change is answered: the node takes a new default locale and announces the
 * change on the bus (node/announcements.ts).
 */
export class LocaleStore {
  readonly changes = new Set<() => void | Promise<void>>();

  constructor(
    private readonly database: Database,
    /** The current schema: deleting a locale deletes its versions of every localized type's documents. */
    private readonly schema: () => Schema,
  ) {}

  /** Every locale, oldest first (Strapi lists them by id). */
  async list(db: Executor = this.database.db): Promise<Locale[]> {
    const [rows, defaultCode] = await Promise.all([
      db.selectFrom(LOCALES_TABLE).selectAll().orderBy('id').execute() as Promise<Row[]>,
      this.defaultCode(db),
    ]);
    return rows.map((row) => toLocale(row, defaultCode));
  }

  /** The default locale's code (undefined only before the first start seeded it). */
  defaultCode(db: Executor = this.database.db): Promise<string | undefined> {
    return readDefaultLocale(db);
  }

  /** Creates a locale (the code is checked by the caller); refused when the code exists. */
  async create(input: LocaleInput & { isDefault: boolean }): Promise<Locale> {
    const locale = await this.database.transaction(async (trx) => {
      const taken = await trx
        .selectFrom(LOCALES_TABLE)
        .select('id')
        .where('code', '=', input.code)
        .executeTakeFirst();
      if (taken) throw new BadRequestError(EXISTS);
      const row = await insertLocale(trx, input);
      if (input.isDefault) await setDefault(trx, row.code);
      return toLocale(row, await this.defaultCode(trx));
    });
    await this.#changed();
    return locale;
  }

  /**
   * Renames a locale and/or makes it the default. `isDefault: false` changes nothing (Strapi acts only
   * on `true`: a project always has a default; recorded admin-locales-set-default-false.json).
   */
  async update(id: number, input: { name?: string; isDefault?: boolean }): Promise<Locale> {
    const locale = await this.database.transaction(async (trx) => {
      const current = await findRow(trx, id);
      const now = new Date().toISOString();
      const patch: Record<string, unknown> = { updated_at: now };
      if (input.name !== undefined) patch.name = input.name;
      await trx.updateTable(LOCALES_TABLE).set(patch).where('id', '=', id).execute();
      if (input.isDefault === true) await setDefault(trx, current.code);
      return toLocale(await findRow(trx, id), await this.defaultCode(trx));
    });
    await this.#changed();
    return locale;
  }

  /**
   * Deletes a locale (not the default) and answers it as it was (Strapi's shape). Its versions (draft and published, with their components
   * and links) are deleted with it, in the same transaction, as Strapi deletes them (i18n
   * services/locales.js deleteAllLocalizedEntriesFor; unlike Strapi, component rows go too). With
   * `dryRun`, nothing is deleted: the answer says what would be (`content`: how many documents of each
   * localized type have a version in the locale).
   */
  async remove(
    id: number,
    options: { dryRun?: boolean } = {},
  ): Promise<Locale & { content?: Record<string, number> }> {
    const run = async (trx: Executor) => {
      const row = await findRow(trx, id);
      if (row.code === (await this.defaultCode(trx))) throw new BadRequestError(DEFAULT_UNDELETABLE);
      const content = await deleteLocaleContent(trx, this.schema(), row.code, options.dryRun === true);
      if (options.dryRun) return { ...toLocale(row, undefined), content };
      await trx.deleteFrom(LOCALES_TABLE).where('id', '=', id).execute();
      return toLocale(row, undefined);
    };
    if (options.dryRun) return run(this.database.db);
    const locale = await this.database.transaction(run);
    await this.#changed();
    return locale;
  }

  async #changed(): Promise<void> {
    for (const listener of this.changes) await listener();
  }
}

/** Deletes (or, dry, counts) every localized type's versions in `code`; documentIds per type uid. */
async function deleteLocaleContent(
  trx: Executor,
  schema: Schema,
  code: string,
  dryRun: boolean,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const type of schema.contentTypes.values()) {
    if (!type.localized) continue;
    const rows = await trx
      .selectFrom(type.tableName)
      .select(['id', 'document_id'])
      .where('locale', '=', code)
      .execute();
    if (rows.length === 0) continue;
    counts[type.uid] = new Set(rows.map((r) => r.document_id as string)).size;
    if (dryRun) continue;
    await deleteRows(
      trx,
      schema,
      type,
      rows.map((r) => Number(r.id)),
    );
  }
  if (dryRun) return counts;
  // Links to documents that no longer have any version go, as when a document is deleted.
  for (const storage of ownedRelations(schema)) {
    if (!storage.target.localized || !counts[storage.target.uid]) continue;
    await sql`delete from ${sql.table(storage.table)} where target_document_id not in (select document_id from ${sql.table(storage.target.tableName)})`.execute(
      trx,
    );
  }
  return counts;
}

/**
 * Seeds the locales from configuration; runs at start inside the schema-lock transaction, so nodes
 * starting together seed once. Configuration only adds: a configured code missing from the database is
 * created (with its configured name), and the default is set from configuration only when the database
 * has none yet (the first start). Runtime changes (names, the default, locales created or deleted through
 * the admin API) persist across restarts, as Strapi keeps its locales in the database; a configured code
 * deleted at runtime comes back at the next start, since the file still lists it.
 */
export async function seedLocales(
  trx: Executor,
  configured: { readonly locales: readonly LocaleInput[]; readonly defaultLocale: string },
): Promise<string[]> {
  const existing = new Set(
    ((await trx.selectFrom(LOCALES_TABLE).select('code').execute()) as { code: string }[]).map((r) => r.code),
  );
  const created: string[] = [];
  for (const locale of configured.locales) {
    const iso = ISO_LOCALES.find((known) => known.code === locale.code);
    if (!iso)
      throw new Error(
        `i18n: "${locale.code}" is not a locale code Strapi knows (GET /admin/api/i18n/iso-locales lists them)`,
      );
    if (existing.has(locale.code)) continue;
    await insertLocale(trx, { code: locale.code, name: locale.name ?? iso.name });
    created.push(locale.code);
  }
  const hasDefault = await trx
    .selectFrom('quorum_state')
    .select('value')
    .where('key', '=', DEFAULT_LOCALE_KEY)
    .executeTakeFirst();
  if (!hasDefault) await setDefault(trx, configured.defaultLocale);
  return created;
}

async function insertLocale(trx: Executor, input: LocaleInput): Promise<Row> {
  const now = new Date().toISOString();
  const row = await trx
    .insertInto(LOCALES_TABLE)
    .values({
      document_id: createId(),
      code: input.code,
      name: input.name ?? null,
      created_at: now,
      updated_at: now,
      published_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row as Row;
}

async function findRow(trx: Executor, id: number): Promise<Row> {
  const row = (await trx.selectFrom(LOCALES_TABLE).selectAll().where('id', '=', id).executeTakeFirst()) as
    Row | undefined;
  if (!row) throw new NotFoundError(NOT_FOUND);
  return row;
}

async function setDefault(trx: Executor, code: string): Promise<void> {
  const value = JSON.stringify(code);
  await sql`insert into quorum_state ("key", "value") values (${DEFAULT_LOCALE_KEY}, ${value})
    on conflict ("key") do update set "value" = excluded."value"`.execute(trx);
}

function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

function toLocale(row: Row, defaultCode: string | undefined): Locale {
  return {
    id: Number(row.id),
    documentId: row.document_id,
    name: row.name,
    code: row.code,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    publishedAt: iso(row.published_at),
    isDefault: row.code === defaultCode,
  };
}
