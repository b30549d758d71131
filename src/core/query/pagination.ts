import { PaginationError, invalidQuery, queryError } from '../errors.js';
import { Invalid, parseBoolean } from '../values.js';
import { isPlainObject } from './raw.js';
import type { ApiLimits, Pagination } from './types.js';

const PAGE_KEYS = ['page', 'pageSize'];
const OFFSET_KEYS = ['start', 'limit'];

/**
 * Strapi REST pagination (`pagination[…]`): page mode or offset mode (never both), defaults and
 * clamping from config, as lenient as a default Strapi 5.54 app (measured, reference §2.5): a page
 * below 1 reads page 1, a negative start reads from 0, a page size or limit that is no number reads
 * `maxLimit` and one below 1 reads 1; only a start that is no integer — given, or computed from the
 * page as (page - 1) × pageSize — is a 400, in Strapi's words.
 */
export function parsePagination(raw: unknown, limits: ApiLimits): Pagination {
  if (raw === undefined || raw === null || raw === '') {
    return { mode: 'page', page: 1, pageSize: limits.defaultLimit, withCount: limits.withCount };
  }
  if (!isPlainObject(raw))
    throw invalidQuery('Invalid pagination parameter: expected an object', {
      source: 'query',
      param: 'pagination',
    });
  const has = (key: string) => raw[key] !== undefined;
  const withCount = raw.withCount === undefined ? limits.withCount : parseBoolean(raw.withCount);
  if (withCount instanceof Invalid) {
    throw queryError('Invalid withCount parameter. Expected "t","1","true","false","0","f"');
  }
  const usesPage = PAGE_KEYS.some(has);
  const usesOffset = OFFSET_KEYS.some(has);
  if (usesPage && usesOffset)
    throw new PaginationError('Cannot use both page & offset pagination in the same query');

  if (usesOffset) {
    // A start past every row reads nothing; capped, it stays an exact integer for the SQL.
    const start = Math.min(validStart(has('start') ? numberOf(raw.start) : 0), Number.MAX_SAFE_INTEGER);
    const limit = has('limit') ? rowCount(raw.limit, limits) : limits.defaultLimit;
    return { mode: 'offset', start, limit, withCount };
  }
  const pageSize = has('pageSize') ? rowCount(raw.pageSize, limits) : limits.defaultLimit;
  const page = has('page') ? numberOf(raw.page) : 1;
  // The page Strapi answers is the one the start falls in: page 1 for a page below 1.
  const start = validStart((page - 1) * pageSize);
  const answered = Number.isInteger(page) ? Math.max(page, 1) : Math.floor(start / pageSize) + 1;
  return { mode: 'page', page: answered, pageSize, withCount };
}

/** A parameter as JavaScript's arithmetic reads it (Strapi computes with the strings qs gives). */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? Number(value) : NaN;
}

/** A page size or limit: no number → maxLimit, below 1 → 1, above maxLimit → maxLimit (-1 from code → maxLimit). */
function rowCount(value: unknown, limits: ApiLimits): number {
  if (value === -1) return limits.maxLimit;
  const n = numberOf(value);
  if (Number.isNaN(n) || n >= limits.maxLimit) return limits.maxLimit;
  return Math.max(1, Math.floor(n));
}

/** A start that is an integer; below 0 reads as 0. */
function validStart(start: number): number {
  if (!Number.isInteger(start)) {
    throw queryError(`Invalid parameter at 'start'. Expected integer >= 0, received: ${start}`);
  }
  return Math.max(start, 0);
}

/**
 * Strapi 5.54 refuses `page` and `pageSize` outside `pagination[…]` (measured: even alone), and ignores
 * `start` and `limit` there.
 */
export function rejectTopLevelPage(params: Record<string, unknown>): void {
  if (params.page !== undefined || params.pageSize !== undefined) {
    throw queryError(
      'Invalid pagination parameters. Cannot use both page-based (page, pageSize) and offset-based (start, limit) pagination in the same query.',
    );
  }
}
