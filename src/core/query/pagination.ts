import { PaginationError, ValidationError } from '../errors.js';
import { Invalid, parseBoolean } from '../values.js';
import { isPlainObject } from './raw.js';
import type { ApiLimits, Pagination } from './types.js';

const PAGE_KEYS = ['page', 'pageSize'];
const OFFSET_KEYS = ['start', 'limit'];

/** Strapi REST pagination: page mode or offset mode (never both), defaults and clamping from config. */
export function parsePagination(raw: unknown, limits: ApiLimits): Pagination {
  if (raw === undefined || raw === null || raw === '') {
    return { mode: 'page', page: 1, pageSize: limits.defaultLimit, withCount: limits.withCount };
  }
  if (!isPlainObject(raw))
    throw new ValidationError('Invalid pagination parameter: expected an object', {
      source: 'query',
      param: 'pagination',
    });
  const has = (key: string) => raw[key] !== undefined;
  const withCount = raw.withCount === undefined ? limits.withCount : parseBoolean(raw.withCount);
  if (withCount instanceof Invalid) {
    throw new ValidationError('Invalid withCount parameter. Expected "t","1","true","false","0","f"', {
      source: 'query',
      param: 'pagination',
    });
  }
  const usesPage = PAGE_KEYS.some(has);
  const usesOffset = OFFSET_KEYS.some(has);
  if (usesPage && usesOffset)
    throw new PaginationError('Cannot use both page & offset pagination in the same query');

  if (usesOffset) {
    const start = has('start') ? integer(raw.start, 'start') : 0;
    if (start < 0) throw new PaginationError("Invalid 'start' parameter. Expected an integer >= 0");
    let limit = has('limit') ? integer(raw.limit, 'limit') : limits.defaultLimit;
    if (limit === -1 || limit > limits.maxLimit) limit = limits.maxLimit;
    if (limit < 1) limit = 1;
    return { mode: 'offset', start, limit, withCount };
  }
  const page = has('page') ? integer(raw.page, 'page') : 1;
  if (page < 1) throw new PaginationError("Invalid 'page' parameter. Expected an integer > 0");
  let pageSize = has('pageSize') ? integer(raw.pageSize, 'pageSize') : limits.defaultLimit;
  if (pageSize > limits.maxLimit) pageSize = limits.maxLimit;
  if (pageSize < 1) pageSize = 1;
  return { mode: 'page', page, pageSize, withCount };
}

function integer(value: unknown, key: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n)) throw new PaginationError(`Invalid '${key}' parameter. Expected an integer`);
  return n;
}
