import type { Executor } from '../../db/types.js';

/** The quorum_state key of the default locale's code (a JSON string, as Strapi's core-store value). */
export const DEFAULT_LOCALE_KEY = 'i18n.defaultLocale';

/**
 * The default locale's code as the database holds it, or undefined before the first start seeded it.
 * Here, below the locale store, because the schema's data steps need it too (a type that becomes
 * localized puts its documents in the default locale).
 */
export async function readDefaultLocale(db: Executor): Promise<string | undefined> {
  const row = await db
    .selectFrom('quorum_state')
    .select('value')
    .where('key', '=', DEFAULT_LOCALE_KEY)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value as string) as string) : undefined;
}
