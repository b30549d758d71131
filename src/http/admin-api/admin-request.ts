import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AdminPrincipal, AdminServices } from '../../accounts/index.js';
import type { PermissionStore } from '../../auth/permissions.js';
import type { Authenticator } from '../../auth/principal.js';
import type { Users } from '../../auth/users-permissions/users.js';
import type { QuorumConfig } from '../../config/index.js';
import type { CoreContext } from '../../core/context.js';
import { ForbiddenError, NotFoundError, validationErrors, type FieldError } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import type { RuntimeChange } from '../../core/schema/runtime.js';
import type { SyncResult } from '../../core/schema/sync.js';
import type { ClusterView } from '../../cluster/status.js';
import type { NodeMetrics } from '../../observability/metrics.js';
import type { WebhookStore } from '../../workers/webhooks/index.js';

export const ADMIN_PREFIX = '/admin/api';

/** What the admin API routes need. */
export interface AdminApiDeps {
  readonly config: QuorumConfig;
  readonly core: CoreContext;
  readonly admin: AdminServices;
  readonly auth: Authenticator;
  readonly permissions: PermissionStore;
  readonly users: Users;
  readonly cluster: ClusterView;
  readonly changeSchema: SchemaChanger;
  readonly webhooks: WebhookStore;
  /** This node's metrics, for the dashboard's JSON summary (absent in apps built without them). */
  readonly metrics?: NodeMetrics;
  /**
   * The content API's REST prefix (`/api`), for Strapi's content-API role routes. Not named `prefix`:
   * Fastify would take that option as a prefix of its own for the plugin's routes.
   */
  readonly restPrefix: string;
}

/** Applies a content-type builder change and makes it live on every node (see node.ts). */
export type SchemaChanger = (
  change: RuntimeChange,
  /** `requestId` travels with the announcement to the other nodes. */
  options?: { allowDestructive?: boolean; dryRun?: boolean; requestId?: string },
) => Promise<SyncResult>;

/** The admin behind the request's access token (401 otherwise). */
export function adminOf(deps: AdminApiDeps, request: FastifyRequest): Promise<AdminPrincipal> {
  return deps.admin.accounts.authenticate(request.headers.authorization);
}

/** The admin, who must hold `action` (on `subject`): 401 without a valid token, 403 without the permission. */
export async function requireAdmin(
  deps: AdminApiDeps,
  request: FastifyRequest,
  action: string,
  subject?: string,
): Promise<AdminPrincipal> {
  const principal = await adminOf(deps, request);
  if (!principal.ability.can(action, subject)) throw new ForbiddenError();
  return principal;
}

/**
 * The JSON body checked against a schema: every problem is reported at once, in the shape Strapi's
 * validators use (`details.errors[]` with `path` and `message`). Values are never echoed back.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const input = body === undefined || body === null ? {} : body;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors.push({ path: [...path, key], message: `Invalid key ${key}`, name: 'ValidationError' });
    } else if (path.length === 0) {
      errors.push({ path, message: 'The request body must be a JSON object', name: 'ValidationError' });
    } else {
      const missing = valueAt(input, path) === undefined;
      const name = path.join('.');
      const message = missing
        ? `${name} is a required field`
        : issue.message.startsWith(`${name} `)
          ? issue.message
          : `${name}: ${issue.message}`;
      errors.push({ path, message, name: 'ValidationError' });
    }
  }
  throw validationErrors(errors);
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

// Ids are 32-bit integers on PostgreSQL: a larger one names nothing (and must not reach the database).
const MAX_ID = 2_147_483_647;

/** A numeric id from the path; anything else is a 404 with `message`. */
export function idParam(raw: string, message = 'Not Found'): number {
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(id >= 1 && id <= MAX_ID)) throw new NotFoundError(message);
  return id;
}

/** `page`, `pageSize` (1–100, default 10) and `_q` from the query string; anything malformed is a 400. */
export function pageQuery(query: unknown): { page: number; pageSize: number; q?: string } {
  const raw = isPlainObject(query) ? query : {};
  const errors: FieldError[] = [];
  const int = (key: string, fallback: number, max: number): number => {
    const value = raw[key];
    if (value === undefined || value === '') return fallback;
    const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= max)) {
      errors.push({
        path: [key],
        message: `${key} must be an integer between 1 and ${max}`,
        name: 'ValidationError',
      });
    }
    return n;
  };
  const page = int('page', 1, 1_000_000);
  const pageSize = int('pageSize', 10, 100);
  const q = raw._q;
  if (q !== undefined && (typeof q !== 'string' || q.length > 200))
    errors.push({
      path: ['_q'],
      message: '_q must be a string of at most 200 characters',
      name: 'ValidationError',
    });
  if (errors.length) throw validationErrors(errors);
  return { page, pageSize, q: typeof q === 'string' && q.trim() !== '' ? q : undefined };
}
