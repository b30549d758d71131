import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { JwtKeys } from '../auth/jwt.js';
import { UnauthorizedError } from '../core/errors.js';
import type { Executor } from '../db/types.js';
import { ADMIN_SESSIONS } from './tables.js';

export interface AdminTokens {
  /** Short-lived JWT for the Authorization header. */
  readonly token: string;
  /** Long-lived random secret, exchanged once for a new pair at /admin/api/token/refresh. */
  readonly refreshToken: string;
}

/** Who a valid access token speaks for. */
export interface AccessClaims {
  readonly userId: number;
  /** The session family the token was issued in (logout revokes it). */
  readonly family: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Admin sessions: a login starts a family of refresh tokens. Each refresh revokes the presented token
 * and issues its successor in the same family; a revoked token presented again means it was copied,
 * so the whole family is revoked (the thief and the victim both have to log in again). Only SHA-256
 * digests of refresh tokens are stored (they are 256-bit random, so a plain digest cannot be reversed).
 * Access tokens are JWTs that name their family; they stop working when it is revoked.
 */
export class AdminSessions {
  constructor(
    private readonly db: Executor,
    private readonly jwt: JwtKeys,
    private readonly options: { accessTokenExpiresIn: string | number; refreshTokenDays: number },
  ) {}

  async start(userId: number): Promise<AdminTokens> {
    return this.#issue(userId, randomUUID());
  }

  /**
   * Exchanges a refresh token for a new pair. `mayContinue` says whether the account may still log in.
   * Any failure is a 401; a reused token also revokes its family.
   */
  async rotate(
    refreshToken: string,
    mayContinue: (userId: number) => Promise<boolean>,
  ): Promise<{ userId: number; tokens: AdminTokens }> {
    const row = await this.db
      .selectFrom(ADMIN_SESSIONS)
      .select(['id', 'user_id', 'family', 'expires_at', 'revoked_at'])
      .where('token_hash', '=', digest(refreshToken))
      .executeTakeFirst();
    if (!row) throw invalid();
    const family = row.family as string;
    if (row.revoked_at !== null) {
      await this.revokeFamily(family);
      throw invalid();
    }
    if (Date.parse(row.expires_at as string) <= Date.now()) throw invalid();
    const now = new Date().toISOString();
    // Conditional on still being live: of two concurrent refreshes with one token, one wins and the
    // other is treated as a reuse.
    const result = await this.db
      .updateTable(ADMIN_SESSIONS)
      .set({ revoked_at: now, last_used_at: now })
      .where('id', '=', row.id as string)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const userId = Number(row.user_id);
    if (Number(result.numUpdatedRows) !== 1 || !(await mayContinue(userId))) {
      await this.revokeFamily(family);
      throw invalid();
    }
    return { userId, tokens: await this.#issue(userId, family) };
  }

  /** The claims of a valid access token whose session is still live, or null. */
  async verify(token: string): Promise<AccessClaims | null> {
    const payload = await this.jwt.verify(token);
    const userId = payload?.id;
    const family = payload?.sid;
    if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || typeof family !== 'string')
      return null;
    const live = await this.db
      .selectFrom(ADMIN_SESSIONS)
      .select('id')
      .where('family', '=', family)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date().toISOString())
      .limit(1)
      .executeTakeFirst();
    return live ? { userId, family } : null;
  }

  async revokeFamily(family: string): Promise<void> {
    await this.db
      .updateTable(ADMIN_SESSIONS)
      .set({ revoked_at: new Date().toISOString() })
      .where('family', '=', family)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Ends every session of an admin (blocked, deactivated, deleted, password changed), but `except`. */
  async revokeUser(userId: number, except?: string, db: Executor = this.db): Promise<void> {
    let query = db
      .updateTable(ADMIN_SESSIONS)
      .set({ revoked_at: new Date().toISOString() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (except !== undefined) query = query.where('family', '<>', except);
    await query.execute();
  }

  /** The family a refresh token belongs to, when it belongs to `userId`. */
  async familyOf(refreshToken: string, userId: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom(ADMIN_SESSIONS)
      .select('family')
      .where('token_hash', '=', digest(refreshToken))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.family as string | undefined;
  }

  async #issue(userId: number, family: string): Promise<AdminTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.db
      .insertInto(ADMIN_SESSIONS)
      .values({
        id: randomUUID(),
        user_id: userId,
        token_hash: digest(refreshToken),
        family,
        expires_at: new Date(now.getTime() + this.options.refreshTokenDays * DAY_MS).toISOString(),
        revoked_at: null,
        created_at: now.toISOString(),
        last_used_at: null,
      })
      .execute();
    const token = await this.jwt.sign(
      { id: userId, sid: family },
      { expiresIn: this.options.accessTokenExpiresIn },
    );
    return { token, refreshToken };
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function invalid(): UnauthorizedError {
  return new UnauthorizedError('Invalid refresh token');
}
