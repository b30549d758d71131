import type { FastifyRequest } from 'fastify';
import type { Authenticator, ContentAction } from '../../auth/principal.js';
import type { ResponseCache } from '../../cache/response-cache.js';
import type { AccessScope } from '../../core/access.js';
import type { CoreContext } from '../../core/context.js';
import { NotFoundError, missingData } from '../../core/errors.js';
import { rejectTopLevelPage } from '../../core/query/pagination.js';
import { rejectUnknownParameters } from '../../core/query/parse.js';
import type { ContentType } from '../../core/schema/model.js';

/** What the content API's routes need (the options of its plugin, routes.ts). */
export interface ContentApiDeps {
  readonly core: CoreContext;
  readonly auth: Authenticator;
  /**
   * The REST prefix (`/api`), written into each route's path. Not named `prefix`: Fastify would take
   * that option as a prefix of its own for the plugin's routes.
   */
  readonly restPrefix: string;
  /** Read answers kept in memory; absent when the cache is off. */
  readonly responses?: ResponseCache;
}

export type NameParams = { name: string };
export type DocumentParams = { name: string; documentId: string };

const MAX_DOCUMENT_ID_LENGTH = 255;

/** Authenticates the caller (401) and checks they may do `action` on the type (403). */
export async function access(
  auth: Authenticator,
  request: FastifyRequest,
  type: ContentType,
  action: ContentAction,
): Promise<AccessScope> {
  const principal = await auth.authenticate(request.headers.authorization);
  return auth.authorize(principal, `${type.uid}.${action}`);
}

/** The type a route name names in the current schema (a type added at runtime included), or 404. */
export function typeNamed(core: CoreContext, name: string): ContentType {
  const type = core.schema().byRouteName(name);
  if (!type) throw new NotFoundError();
  return type;
}

/** As typeNamed, for routes only collection types have. */
export function collection(core: CoreContext, name: string): ContentType {
  const type = typeNamed(core, name);
  if (type.kind !== 'collectionType') throw new NotFoundError();
  return type;
}

export function documentIdOf(params: DocumentParams): string {
  if (params.documentId.length > MAX_DOCUMENT_ID_LENGTH) throw new NotFoundError();
  return params.documentId;
}

/** The `data` object of a write's body. */
export function body(request: FastifyRequest): unknown {
  const payload = request.body as { data?: unknown } | undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw missingData();
  }
  if (typeof payload.data !== 'object' || payload.data === null || Array.isArray(payload.data)) {
    throw missingData();
  }
  return payload.data;
}

/** The exact query string as sent: the key under which a parsed and compiled read plan is cached. */
export function rawQuery(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}

/**
 * The request's query parameters, once known to Strapi's content API: any other top-level key is a 400
 * `Invalid key`, on every route, after authentication and permission checks (as Strapi orders them).
 */
export function queryOf(request: FastifyRequest): unknown {
  rejectUnknownParameters(request.query);
  return request.query;
}

/** queryOf for a list: `page` and `pageSize` outside `pagination[…]` are refused there (pagination.ts). */
export function listQueryOf(request: FastifyRequest): unknown {
  const query = queryOf(request);
  if (isRecord(query)) rejectTopLevelPage(query);
  return query;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
