import { invalidKey, queryError } from '../errors.js';
import type { ContentType } from '../schema/model.js';
import { and, parseFilters, searchFilter } from './filters.js';
import { parseFields } from './fields.js';
import type { QueryScope } from './links.js';
import { parsePagination } from './pagination.js';
import { parsePopulate } from './populate.js';
import { parsePublicationFilters } from './publication.js';
import { isPlainObject } from './raw.js';
import { parseSort } from './sort.js';
import { parseStatus } from './status.js';
import { ALL_LOCALES, parseLocale } from './locale.js';
import type { ApiLimits, FilterNode, FindQuery, LocaleSelection } from './types.js';

/**
 * The top-level query parameters Strapi's content API knows (`content-api-constants.ts`, plus the
 * deprecated `hasPublishedVersion`). `locale` addresses one version of a localized type (locale.ts); types
 * that are not localized ignore it, as Strapi does.
 */
export const QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'filters',
  'sort',
  'fields',
  'populate',
  'status',
  'locale',
  'page',
  'pageSize',
  'start',
  'limit',
  '_q',
  'publicationFilter',
  'hasPublishedVersion',
  'pagination',
  'count',
  'ordering',
]);

/**
 * 400 `Invalid key <name>` for a top-level query parameter Strapi does not know, as a default Strapi
 * 5.54 answers on every content API route (measured: `?foo=bar` on lists, single documents and single
 * types). Called by the content API's routes; in-process callers may pass parameters of their own.
 */
export function rejectUnknownParameters(raw: unknown): void {
  if (!isPlainObject(raw)) return;
  for (const key of Object.keys(raw)) {
    // Strapi names the key as the parameter too (measured: `details.param` is `foo`).
    if (!QUERY_PARAMETERS.has(key)) throw invalidKey(key, { source: 'query', param: key });
  }
}

/**
 * Strapi query parameters (as `qs` parses them) → a validated FindQuery. `conditions` (from the
 * caller's permission) are ANDed into the filters.
 */
export function parseFindQuery(
  scope: QueryScope,
  type: ContentType,
  raw: unknown,
  limits: ApiLimits,
  conditions?: FilterNode,
): FindQuery {
  const params = isPlainObject(raw) ? raw : {};
  return {
    type,
    status: parseStatus(type, params.status),
    locale: localeOf(scope, type, params, true),
    publication: parsePublicationFilters(params),
    filters: and([topFilters(scope, type, params.filters), searchFilter(type, params._q), conditions]),
    sort: parseSort(scope, type, params.sort),
    fields: parseFields(type, params.fields),
    populate: parsePopulate(scope, type, params.populate),
    pagination: parsePagination(params.pagination, limits),
  };
}

/** The parameters findOne, create and update accept: fields, populate (and filters/status for reads). */
export function parseSingleQuery(
  scope: QueryScope,
  type: ContentType,
  raw: unknown,
  conditions?: FilterNode,
): FindQuery {
  const params = isPlainObject(raw) ? raw : {};
  return {
    type,
    status: parseStatus(type, params.status),
    locale: localeOf(scope, type, params, false),
    publication: parsePublicationFilters(params),
    filters: and([topFilters(scope, type, params.filters), conditions]),
    sort: parseSort(scope, type, params.sort),
    fields: parseFields(type, params.fields),
    populate: parsePopulate(scope, type, params.populate),
    pagination: { mode: 'offset', start: 0, limit: 1, withCount: false },
  };
}

/**
 * The request's locale. A top-level `filters[locale]` takes the place of the locale lookup, as Strapi
 * merges its filters over the lookup (recorded: find-filter-locale-field.json reads French rows without
 * `locale=fr`): a list reads every locale, and the filter chooses.
 */
function localeOf(
  scope: QueryScope,
  type: ContentType,
  params: Record<string, unknown>,
  list: boolean,
): LocaleSelection {
  const locale = parseLocale(type, params.locale, scope.defaultLocale);
  if (list && locale !== undefined && isPlainObject(params.filters) && params.filters.locale !== undefined)
    return ALL_LOCALES;
  return locale;
}

/** The `filters` parameter, which must be an object or a list (an empty value means none). */
function topFilters(scope: QueryScope, type: ContentType, raw: unknown): FilterNode | undefined {
  if (raw !== undefined && raw !== null && raw !== '' && typeof raw !== 'object') {
    // Strapi's words (convert-query-params.ts), where it is a plain Error and a 500.
    throw queryError('The filters parameter must be an object or an array');
  }
  return parseFilters(scope, type, raw);
}
