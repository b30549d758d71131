import { ValidationError } from '../errors.js';
import type { ContentType } from '../schema/model.js';
import { and, parseFilters, searchFilter } from './filters.js';
import { parseFields } from './fields.js';
import type { QueryScope } from './links.js';
import { parsePagination } from './pagination.js';
import { parsePopulate } from './populate.js';
import { isPlainObject } from './raw.js';
import { parseSort } from './sort.js';
import { parseStatus } from './status.js';
import type { ApiLimits, FilterNode, FindQuery } from './types.js';

/**
 * Strapi query parameters (as `qs` parses them) → a validated FindQuery. Unknown top-level keys are
 * ignored, as Strapi does (the SDK sends `locale` to every type). `conditions` (from the caller's
 * permission) are ANDed into the filters.
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
    filters: and([parseFilters(scope, type, params.filters), searchFilter(type, params._q), conditions]),
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
  if (
    params.filters !== undefined &&
    !isPlainObject(params.filters) &&
    !Array.isArray(params.filters) &&
    params.filters !== ''
  ) {
    throw new ValidationError('Invalid filters: expected an object', { source: 'query', param: 'filters' });
  }
  return {
    type,
    status: parseStatus(type, params.status),
    filters: and([parseFilters(scope, type, params.filters), conditions]),
    sort: parseSort(scope, type, params.sort),
    fields: parseFields(type, params.fields),
    populate: parsePopulate(scope, type, params.populate),
    pagination: { mode: 'offset', start: 0, limit: 1, withCount: false },
  };
}
