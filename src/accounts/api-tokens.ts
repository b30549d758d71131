import { randomBytes } from 'node:crypto';
import type { ApiTokenRecord, ApiTokens, ApiTokenType } from '../auth/api-tokens.js';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  validationErrors,
  type FieldError,
} from '../core/errors.js';
import type { Schema } from '../core/schema/registry.js';
import { onUniqueViolation } from '../db/errors.js';
import type { Executor } from '../db/types.js';
import type { AdminAbility } from './ability.js';
import { isContentApiAction } from './content-api-actions.js';
import { adminPermissionsFor, requireHeld, tokenActions } from './privileges.js';

const TABLE = 'quorum_api_tokens';
// As ApiTokens makes and names them: 48 random bytes, hex; names of 1–100 safe characters.
const TOKEN_BYTES = 48;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

/** A token as the admin API shows it: never the secret (only once, as `accessKey`, at creation). */
export interface ApiTokenView {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly type: ApiTokenType;
  readonly permissions: readonly string[];
  /** Milliseconds from creation to expiry; null for tokens that never expire. */
  readonly lifespan: number | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface ApiTokenChanges {
  readonly name?: string;
  readonly description?: string | null;
  readonly type?: ApiTokenType;
  readonly permissions?: readonly string[];
}

/**
 * API-token management for the admin API, on the table ApiTokens owns (create and verification stay
 * there). Every change clears this node's verification cache at once; other nodes stop accepting a
 * changed or deleted token within auth.tokenCacheTtlMs.
 */
export class AdminApiTokens {
  constructor(
    private readonly db: Executor,
    private readonly tokens: ApiTokens,
    private readonly schema: () => Schema,
  ) {}

  async list(): Promise<ApiTokenView[]> {
    return (await this.tokens.list()).map(view);
  }

  async get(id: number): Promise<ApiTokenView> {
    const record = (await this.tokens.list()).find((token) => token.id === id);
    if (!record) throw new NotFoundError('API token not found');
    return view(record);
  }

  /** A new token, made by an admin with `actor`'s ability, who must hold what it allows (`#checkHeld`). */
  async create(
    actor: AdminAbility,
    input: {
      name: string;
      description?: string | null;
      type: ApiTokenType;
      permissions?: readonly string[];
      lifespan?: number | null;
    },
  ): Promise<{ token: ApiTokenView; accessKey: string }> {
    const permissions = this.#permissions(input.type, input.permissions);
    this.#checkHeld(actor, tokenActions(this.schema(), input.type, permissions), 'create');
    const lifespan = input.lifespan ?? null;
    const { token, record } = await onUniqueViolation(
      () =>
        this.tokens.create({
          name: input.name,
          type: input.type,
          description: input.description ?? undefined,
          permissions,
          expiresAt: lifespan === null ? null : new Date(Date.now() + lifespan).toISOString(),
        }),
      () => nameTaken(input.name),
    );
    if (lifespan === null) return { token: view(record), accessKey: token };
    // Expiry counted from the stored creation time, so the lifespan reads back exactly as given.
    await this.db
      .updateTable(TABLE)
      .set({ expires_at: new Date(Date.parse(record.createdAt) + lifespan).toISOString() })
      .where('id', '=', record.id)
      .execute();
    return { token: await this.get(record.id), accessKey: token };
  }

  /** Changes a token; what it newly allows, the admin must hold (what it already allowed may stay). */
  async update(actor: AdminAbility, id: number, changes: ApiTokenChanges): Promise<ApiTokenView> {
    const current = await this.get(id);
    const type = changes.type ?? current.type;
    const permissions =
      type === 'custom'
        ? this.#permissions(type, changes.permissions ?? current.permissions)
        : this.#permissions(type, changes.permissions);
    const schema = this.schema();
    const had = new Set(tokenActions(schema, current.type, current.permissions));
    const added = tokenActions(schema, type, permissions).filter((action) => !had.has(action));
    this.#checkHeld(actor, added, 'update');
    const set: Record<string, unknown> = { type, permissions: JSON.stringify(permissions) };
    if (changes.name !== undefined && changes.name !== current.name) {
      if (!NAME_RE.test(changes.name))
        throw fieldError(
          ['name'],
          'Token name must be 1–100 characters: letters, digits, space, dot, underscore or dash',
        );
      const taken = await this.db
        .selectFrom(TABLE)
        .select('id')
        .where('name', '=', changes.name)
        .executeTakeFirst();
      if (taken) throw nameTaken(changes.name);
      set.name = changes.name;
    }
    if (changes.description !== undefined) set.description = changes.description;
    // Two concurrent renames to one name: the loser hits the unique index; answer as the pre-check does.
    await onUniqueViolation(
      () => this.db.updateTable(TABLE).set(set).where('id', '=', id).execute(),
      () => nameTaken(changes.name ?? current.name),
    );
    this.tokens.invalidate();
    return this.get(id);
  }

  async remove(id: number): Promise<ApiTokenView> {
    const current = await this.get(id);
    await this.db.deleteFrom(TABLE).where('id', '=', id).execute();
    this.tokens.invalidate();
    return current;
  }

  /**
   * A new secret for the token (same rights and expiry); the old one stops working. Whoever regenerates
   * gets the secret, so they must hold the token's rights as if they created it.
   */
  async regenerate(actor: AdminAbility, id: number): Promise<{ token: ApiTokenView; accessKey: string }> {
    const current = await this.get(id);
    this.#checkHeld(actor, tokenActions(this.schema(), current.type, current.permissions), 'regenerate');
    const accessKey = randomBytes(TOKEN_BYTES).toString('hex');
    await this.db
      .updateTable(TABLE)
      .set({ access_key_hash: this.tokens.hash(accessKey) })
      .where('id', '=', id)
      .execute();
    this.tokens.invalidate();
    return { token: current, accessKey };
  }

  /**
   * A token opens the content API without the creator limits of the content manager: an admin may hand
   * out only content-API actions whose admin counterparts they hold (see `adminPermissionsFor`), or an
   * admin holding `admin::api-tokens.create` alone could mint a full-access token.
   */
  #checkHeld(
    actor: AdminAbility,
    actions: readonly string[],
    verb: 'create' | 'update' | 'regenerate',
  ): void {
    const wanted = adminPermissionsFor(this.schema(), actions);
    requireHeld(actor, wanted, `You may not ${verb} an API token with rights you do not hold`);
  }

  /** Custom tokens list content-API actions (each must exist); other types take none. */
  #permissions(type: ApiTokenType, permissions: readonly string[] | undefined): string[] {
    if (type !== 'custom') {
      if (permissions?.length)
        throw fieldError(['permissions'], 'Only custom tokens have a list of permissions');
      return [];
    }
    const schema = this.schema();
    const errors: FieldError[] = [];
    (permissions ?? []).forEach((action, i) => {
      if (!isContentApiAction(schema, action))
        errors.push({
          path: ['permissions', i],
          message: `Unknown action "${action}"`,
          name: 'ValidationError',
        });
    });
    if (errors.length) throw validationErrors(errors);
    return [...new Set(permissions ?? [])];
  }
}

function view(record: ApiTokenRecord): ApiTokenView {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    type: record.type,
    permissions: record.permissions,
    lifespan: record.expiresAt ? Date.parse(record.expiresAt) - Date.parse(record.createdAt) : null,
    expiresAt: record.expiresAt,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
  };
}

function fieldError(path: (string | number)[], message: string): ValidationError {
  return new ValidationError(message, { errors: [{ path, message, name: 'ValidationError' }] });
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`An API token named "${name}" already exists`);
}
