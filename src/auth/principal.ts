import { ForbiddenError, UnauthorizedError } from '../core/errors.js';
import type { ApiTokenRecord, ApiTokens } from './api-tokens.js';

export type ContentAction = 'find' | 'findOne' | 'create' | 'update' | 'delete';

/** Who is calling the content API. */
export type Principal =
  { readonly kind: 'anonymous' } | { readonly kind: 'api-token'; readonly token: ApiTokenRecord };

const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/**
 * Reads `Authorization: Bearer <token>` (scheme case-insensitive, exactly two parts). No header is an
 * anonymous caller; a header that does not authenticate is 401.
 */
export async function authenticate(header: string | undefined, tokens: ApiTokens): Promise<Principal> {
  if (header === undefined || header === '') return ANONYMOUS;
  // Split on any run of whitespace, as Strapi's extractToken does (`Bearer  <token>` and a tab work).
  const parts = header.split(/\s+/);
  if (
    parts.length !== 2 ||
    parts[0].toLowerCase() !== 'bearer' ||
    parts[1] === '' ||
    parts[1].length > 1024
  ) {
    throw new UnauthorizedError();
  }
  const token = await tokens.verify(parts[1]);
  if (!token) throw new UnauthorizedError();
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now())
    throw new UnauthorizedError('Token expired');
  return { kind: 'api-token', token };
}

/**
 * May this principal run `action` on content type `uid`? Full-access tokens may do everything,
 * read-only tokens find and findOne, custom tokens what they list. Anonymous callers are refused
 * (403, as Strapi answers a public request without a grant).
 */
export function authorize(principal: Principal, uid: string, action: ContentAction): void {
  if (principal.kind === 'anonymous') throw new ForbiddenError();
  const { token } = principal;
  const allowed =
    token.type === 'full-access' ||
    (token.type === 'read-only' && (action === 'find' || action === 'findOne')) ||
    (token.type === 'custom' && token.permissions.includes(`${uid}.${action}`));
  if (!allowed) throw new ForbiddenError();
}
