import { queryError, ValidationError } from '../errors.js';
import type { ContentType } from '../schema/model.js';
import type { LocaleSelection } from './types.js';

/**
 * Strapi's check of the `locale` parameter (document-service repository.js checkLocale): a format only,
 * never the list of configured locales, so a well-formed locale nobody configured reads nothing (an
 * empty list, a 404) and writes create content in it — as recorded on Strapi 5.54
 * (test/fixtures/strapi-5.54-i18n/measurements.md, "Locale parameter validation").
 */
const LOCALE_FORMAT = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
const MAX_LENGTH = 35;

/** Every locale: `locale=*` (lists and deletes; a 400 on writes, a 404 on single reads). */
export const ALL_LOCALES = '*';

/**
 * The locale a request addresses: undefined for a type that is not localized (it ignores `locale`, as
 * in Strapi), else the given code, `*`, or the default locale when none is given (absent, empty, or a
 * list of empty values; a list takes its first value, as Strapi's query parser does).
 */
export function parseLocale(
  type: ContentType,
  raw: unknown,
  defaultLocale: string | undefined,
): LocaleSelection {
  if (!type.localized) return undefined;
  const value = Array.isArray(raw) ? raw.find((item) => item !== '' && item !== null) : raw;
  if (value === undefined || value === null || value === '') {
    if (defaultLocale === undefined) throw new Error(`no default locale to read ${type.uid} in`);
    return defaultLocale;
  }
  if (value === ALL_LOCALES) return ALL_LOCALES;
  // Length first: Strapi names it for a long value even when its form is wrong too (find-locale-long.json).
  if (typeof value === 'string' && value.length > MAX_LENGTH)
    throw queryError(
      `Invalid parameter at 'locale'. Locale exceeds maximum length of ${MAX_LENGTH} characters.`,
    );
  if (typeof value !== 'string' || !LOCALE_FORMAT.test(value))
    throw queryError(
      "Invalid parameter at 'locale'. Locale must be a valid BCP 47 format (e.g. en, en-US, zh-Hans).",
    );
  return value;
}

/**
 * The one locale a write addresses: `*` is refused with Strapi's message
 * (ds/internationalization.js localeToData; recorded create-query-locale-star.json).
 */
export function writeLocale(locale: LocaleSelection): string | undefined {
  if (locale === ALL_LOCALES)
    throw new ValidationError('Invalid locale param * provided. Document locales must be strings.');
  return locale;
}
