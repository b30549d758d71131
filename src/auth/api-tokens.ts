import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { ChangeListeners } from './change-listeners.js';
import type { Executor } from '../db/types.js';
import { ConflictError, ValidationError } from '../core/errors.js';

export type ApiTokenType = 'read-only' | 'full-access' | 'custom';
export const API_TOKEN_TYPES: readonly ApiTokenType[] = ['read-only', 'full-access', 'custom'];

export interface ApiTokenRecord {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly type: ApiTokenType;
  /** Content actions (e.g. `api::article.article.find`) a custom token may use. */
  readonly permissions: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

const TOKEN_BYTES = 48;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

/**
 * API tokens are random secrets shown once; the database keeps only an HMAC-SHA512 of each, keyed with
 * a key derived from QUORUM_SECRET, so a copy of the database does not yield usable tokens.
 */
export class ApiTokens {
  readonly changes = new ChangeListeners();
  readonly #cache: LRUCache<string, ApiTokenRecord>;

  constructor(
    private readonly db: Executor,
    private readonly hmacKey: Buffer,
    private readonly options: { cacheTtlMs: number; logger?: Logger } = { cacheTtlMs: 5000 },
  ) {
    this.#cache = new LRUCache({ max: 10_000, ttl: Math.max(1, options.cacheTtlMs) });
  }

  hash(token: string): string {
    return createHmac('sha512', this.hmacKey).update(token).digest('hex');
  }

  async create(input: {
    name: string;
    type: ApiTokenType;
    description?: string;
    permissions?: readonly string[];
    expiresAt?: string | null;
  }): Promise<{ token: string; record: ApiTokenRecord }> {
    if (!NAME_RE.test(input.name)) {
      throw new ValidationError(
        'Token name must be 1–100 characters: letters, digits, space, dot, underscore or dash',
      );
    }
    if (!API_TOKEN_TYPES.includes(input.type))
      throw new ValidationError(`Token type must be one of ${API_TOKEN_TYPES.join(', ')}`);
    const existing = await this.db
      .selectFrom('quorum_api_tokens')
      .select('id')
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (existing) throw new ConflictError(`An API token named "${input.name}" already exists`);
    const token = randomBytes(TOKEN_BYTES).toString('hex');
    const createdAt = new Date().toISOString();
    const row = await this.db
      .insertInto('quorum_api_tokens')
      .values({
        name: input.name,
        description: input.description ?? null,
        type: input.type,
        access_key_hash: this.hash(token),
        permissions: JSON.stringify(input.permissions ?? []),
        created_at: createdAt,
        expires_at: input.expiresAt ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { token, record: toRecord(row) };
  }

  async list(): Promise<ApiTokenRecord[]> {
    const rows = await this.db.selectFrom('quorum_api_tokens').selectAll().orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** Returns whether a token of that name existed. Running nodes stop accepting it within the cache TTL. */
  async revoke(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('quorum_api_tokens').where('name', '=', name).executeTakeFirst();
    const revoked = Number(result.numDeletedRows) > 0;
    if (revoked) this.invalidate();
    return revoked;
  }

  /**
   * The token's record, or null when unknown. Verified tokens are remembered for the cache TTL, which
   * bounds how long a revoked token keeps working on a node that has seen it.
   */
  async verify(token: string): Promise<ApiTokenRecord | null> {
    const cached = this.#cache.get(token);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('quorum_api_tokens')
      .selectAll()
      .where('access_key_hash', '=', this.hash(token))
      .executeTakeFirst();
    if (!row) return null;
    const record = toRecord(row);
    this.#cache.set(token, record);
    this.#touch(record.id);
    return record;
  }

  /** Forgets cached verifications on this node only (a change another node announced). */
  forget(): void {
    this.#cache.clear();
  }

  /** After a change to tokens (revocation, new permissions): forget here and tell the other nodes. */
  invalidate(): void {
    this.forget();
    this.changes.notify();
  }

  // last_used_at is written when a token is (re)loaded, at most once per TTL, never per request.
  #touch(id: number): void {
    this.db
      .updateTable('quorum_api_tokens')
      .set({ last_used_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute()
      .catch((err: Error) =>
        this.options.logger?.warn({ err: err.message }, 'could not record API token use'),
      );
  }
}

function toRecord(row: Record<string, unknown>): ApiTokenRecord {
  const permissions =
    typeof row.permissions === 'string' ? JSON.parse(row.permissions) : (row.permissions ?? []);
  return {
    id: Number(row.id),
    name: row.name as string,
    description: (row.description as string | null) ?? null,
    type: row.type as ApiTokenType,
    permissions: Array.isArray(permissions) ? permissions : [],
    createdAt: row.created_at as string,
    expiresAt: (row.expires_at as string | null) ?? null,
    lastUsedAt: (row.last_used_at as string | null) ?? null,
  };
}
