import { createId } from '@paralleldrive/cuid2';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { ISO_LOCALES } from './iso-locales.js';

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
/** The one place the default locale's code is kept (a JSON string, as Strapi's core-store value). */
export const DEFAULT_LOCALE_KEY = 'i18n.defaultLocale';

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
 * committed change, for the node to announce it on the bus (node/announcements.ts).
 */
export class LocaleStore {
  readonly changes = new Set<() => void>();

  constructor(private readonly database: Database) {}

  /** Every locale, oldest first (Strapi lists them by id). */
  async list(db: Executor = this.database.db): Promise<Locale[]> {
    const [rows, defaultCode] = await Promise.all([
      db.selectFrom(LOCALES_TABLE).selectAll().orderBy('id').execute() as Promise<Row[]>,
      this.defaultCode(db),
    ]);
    return rows.map((row) => toLocale(row, defaultCode));
  }

  /** The default locale's code (undefined only before the first start seeded it). */
  async defaultCode(db: Executor = this.database.db): Promise<string | undefined> {
    const row = await db
      .selectFrom('quorum_state')
      .select('value')
      .where('key', '=', DEFAULT_LOCALE_KEY)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value as string) as string) : undefined;
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
    this.#changed();
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
    this.#changed();
    return locale;
  }

  /** Deletes a locale (not the default) and answers it as it was. */
  async remove(id: number): Promise<Locale> {
    const locale = await this.database.transaction(async (trx) => {
      const row = await findRow(trx, id);
      if (row.code === (await this.defaultCode(trx))) throw new BadRequestError(DEFAULT_UNDELETABLE);
      // Where the content of the locale goes: once documents carry a locale, the rows of every localized
      // type in `row.code` are deleted here, in this transaction (Strapi deletes them with the locale,
      // i18n services/locales.js deleteAllLocalizedEntriesFor). There is no localized content yet.
      await trx.deleteFrom(LOCALES_TABLE).where('id', '=', id).execute();
      return toLocale(row, undefined);
    });
    this.#changed();
    return locale;
  }

  #changed(): void {
    for (const listener of this.changes) listener();
  }
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
