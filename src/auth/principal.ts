import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ChangeListeners } from './change-listeners.js';
import type { AccessScope } from '../core/access.js';
import { ForbiddenError, UnauthorizedError } from '../core/errors.js';
import type { Executor } from '../db/types.js';
import type { Schema } from '../core/schema/registry.js';
import type { ApiTokenRecord, ApiTokens } from './api-tokens.js';
import { looksLikeJwt, type JwtKeys } from './jwt.js';
import {
  usersPermissionsLinks,
  type Grants,
  type PermissionSnapshot,
  type PermissionStore,
  type RoleInfo,
} from './permissions.js';
import { USER_UID } from './users-permissions/schemas.js';

export type { ContentAction } from './users-permissions/actions.js';

/** The end user behind a valid JWT. */
export interface AuthUser {
  readonly id: number;
  readonly documentId: string;
  readonly username: string;
  readonly email: string;
  readonly confirmed: boolean;
  readonly blocked: boolean;
  readonly roleDocumentId: string | null;
}

/** Who is calling the content API. */
export type Principal =
  | { readonly kind: 'public' }
  | { readonly kind: 'user'; readonly user: AuthUser }
  | { readonly kind: 'api-token'; readonly token: ApiTokenRecord };

const PUBLIC: Principal = Object.freeze({ kind: 'public' });

/**
 * Authentication and authorization for the content API, as Strapi's content-api strategies do it
 * (reference §6.3): an API token, else a Users & Permissions JWT, else — without an Authorization
 * header — the Public role. A header that authenticates as nothing is 401; an action the principal may
 * not perform is 403. Authorization answers with an AccessScope the core compiles into SQL.
 */
export class Authenticator {
  readonly #users: LRUCache<number, AuthUser | false>;

  constructor(
    private readonly deps: {
      db: Executor;
      schema: () => Schema;
      tokens: ApiTokens;
      jwt: JwtKeys;
      permissions: PermissionStore;
      /** Users whose email is not confirmed may not log in nor use their JWT. */
      requireConfirmed: () => boolean;
      cacheTtlMs: number;
    },
  ) {
    this.#users = new LRUCache({ max: 10_000, ttl: Math.max(1, deps.cacheTtlMs) });
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    if (header === undefined || header === '') return PUBLIC;
    // Strapi splits on whitespace and needs exactly a scheme and a token.
    const parts = header.trim().split(/\s+/);
    if (parts.length !== 2 || parts[0].toLowerCase() !== 'bearer' || parts[1].length > 4096)
      throw new UnauthorizedError();
    const credential = parts[1];
    if (looksLikeJwt(credential)) return { kind: 'user', user: await this.#userFromJwt(credential) };
    const token = await this.deps.tokens.verify(credential);
    if (!token) throw new UnauthorizedError();
    if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now())
      throw new UnauthorizedError('Token expired', undefined, 'QUORUM_TOKEN_EXPIRED');
    return { kind: 'api-token', token };
  }

  /**
   * The user a JWT names. An invalid token is 401 "Missing or invalid credentials"; a valid token whose
   * user is gone, blocked or (when required) unconfirmed is 401 "Invalid credentials", as in Strapi.
   */
  async #userFromJwt(jwt: string): Promise<AuthUser> {
    const payload = await this.deps.jwt.verify(jwt);
    const id = payload?.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new UnauthorizedError();
    const user = await this.findUser(id);
    if (!user || user.blocked || (this.deps.requireConfirmed() && !user.confirmed))
      throw new UnauthorizedError('Invalid credentials');
    return user;
  }

  /** A user by id with its role, cached briefly (the TTL bounds how long a block takes to apply here). */
  async findUser(id: number): Promise<AuthUser | null> {
    const cached = this.#users.get(id);
    if (cached !== undefined) return cached || null;
    const schema = this.deps.schema();
    const table = schema.contentTypes.get(USER_UID)!.tableName;
    const { userRole } = usersPermissionsLinks(schema);
    const row = await this.deps.db
      .selectFrom(`${table} as u`)
      .leftJoin(`${userRole} as l`, 'l.source_id', 'u.id')
      .select([
        'u.id',
        'u.document_id',
        'u.username',
        'u.email',
        'u.confirmed',
        'u.blocked',
        'l.target_document_id as role',
      ])
      .where('u.id', '=', id)
      .executeTakeFirst();
    const user: AuthUser | false = row
      ? {
          id: Number(row.id),
          documentId: row.document_id as string,
          username: row.username as string,
          email: row.email as string,
          confirmed: row.confirmed === true || row.confirmed === 1,
          blocked: row.blocked === true || row.blocked === 1,
          roleDocumentId: (row.role as string | null) ?? null,
        }
      : false;
    this.#users.set(id, user);
    return user || null;
  }

  readonly userChanges = new ChangeListeners();

  /** Forgets cached users on this node only (a change another node announced). */
  clearUsers(): void {
    this.#users.clear();
  }

  /** After a user was blocked, deleted, confirmed or changed role: forget here and tell the other nodes. */
  forgetUsers(): void {
    this.clearUsers();
    this.userChanges.notify();
  }

  /**
   * May the principal perform `action` (e.g. `api::article.article.find`, `plugin::users-permissions.user.me`)?
   * Throws 401/403 as Strapi does; otherwise returns what the principal may see while doing it.
   */
  async authorize(principal: Principal, action: string): Promise<AccessScope> {
    if (principal.kind === 'api-token') return tokenScope(principal.token, action);
    const snapshot = await this.deps.permissions.snapshot();
    const role = this.#roleOf(principal, snapshot);
    const grants: Grants = (role && snapshot.grants.get(role.documentId)) || new Map();
    // Strapi: an anonymous request authenticates as Public only when Public has some permission.
    if (principal.kind === 'public' && grants.size === 0) throw new UnauthorizedError();
    const conditions = grants.get(action);
    if (!conditions || !role) throw new ForbiddenError();
    const user = principal.kind === 'user' ? principal.user : undefined;
    const combined = (list: readonly (Record<string, unknown> | null)[] | undefined) => {
      if (!list || list.some((c) => c === null)) return undefined;
      return substitute(list.length === 1 ? list[0] : { $or: list }, user);
    };
    // Plans (and cached answers) made with per-user values cannot be shared between users of the role,
    // nor kept for a user whose substituted values changed (a new email, say).
    const perUser = [...grants.values()].some((list) => JSON.stringify(list).includes('$user.'));
    return {
      conditions: combined(conditions),
      canRead: (uid) => grants.has(`${uid}.find`),
      readConditions: (uid) => combined(grants.get(`${uid}.find`)),
      updateRights: (uid) => {
        const update = grants.get(`${uid}.update`);
        return update ? { allowed: true, conditions: combined(update) } : { allowed: false };
      },
      cacheKey: `role:${role.documentId}:${snapshot.version}${perUser ? `:user:${userValues(user)}` : ''}`,
    };
  }

  #roleOf(principal: Principal, snapshot: PermissionSnapshot): RoleInfo | undefined {
    if (principal.kind === 'public') return snapshot.publicRole;
    if (principal.kind === 'user' && principal.user.roleDocumentId)
      return snapshot.roles.get(principal.user.roleDocumentId);
    return undefined;
  }
}

/** Full-access tokens may do everything, read-only tokens find and findOne, custom tokens what they list. */
function tokenScope(token: ApiTokenRecord, action: string): AccessScope {
  const verb = action.slice(action.lastIndexOf('.') + 1);
  const allowed =
    token.type === 'full-access' ||
    (token.type === 'read-only' && (verb === 'find' || verb === 'findOne')) ||
    (token.type === 'custom' && token.permissions.includes(action));
  if (!allowed) throw new ForbiddenError();
  if (token.type === 'custom') {
    const permissions = new Set(token.permissions);
    return {
      canRead: (uid) => permissions.has(`${uid}.find`),
      updateRights: (uid) => ({ allowed: permissions.has(`${uid}.update`) }),
      cacheKey: customTokenKey(token),
    };
  }
  if (token.type === 'read-only')
    return { canRead: () => true, updateRights: () => ({ allowed: false }), cacheKey: 'token:read-only' };
  return { canRead: () => true, cacheKey: `token:${token.type}` };
}

const customTokenKeys = new WeakMap<ApiTokenRecord, string>();

/**
 * A custom token's scope key names its permissions too: edited permissions must not reuse plans or
 * cached answers made under the old ones (what its populate may show depends on them). Computed once
 * per verified record.
 */
function customTokenKey(token: ApiTokenRecord): string {
  let key = customTokenKeys.get(token);
  if (key === undefined) {
    const digest = createHash('sha256')
      .update(JSON.stringify([...token.permissions].sort()))
      .digest('hex');
    key = `token:${token.id}:${digest.slice(0, 16)}`;
    customTokenKeys.set(token, key);
  }
  return key;
}

/** Every value a `$user.<field>` condition can substitute, as one string (`none` when anonymous). */
function userValues(user: AuthUser | undefined): string {
  if (!user) return 'none';
  const { id, documentId, username, email, confirmed, blocked, roleDocumentId } = user;
  return JSON.stringify([id, documentId, username, email, confirmed, blocked, roleDocumentId]);
}

/** Replaces `$user.<field>` strings in a conditions object with the caller's values (null when anonymous). */
function substitute(value: unknown, user: AuthUser | undefined): unknown {
  if (typeof value === 'string' && value.startsWith('$user.')) {
    const field = value.slice('$user.'.length) as keyof AuthUser;
    return user && field in user ? user[field] : null;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, user));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, user)]));
  return value;
}
