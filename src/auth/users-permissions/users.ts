import { createHash, randomBytes } from 'node:crypto';
import { FULL_ACCESS, type AccessScope } from '../../core/access.js';
import type { CoreContext } from '../../core/context.js';
import { findDocuments } from '../../core/documents/find.js';
import { createDocument, deleteDocument, updateDocument } from '../../core/documents/write.js';
import type { Document } from '../../core/documents/serialize.js';
import { NotFoundError } from '../../core/errors.js';
import type { ContentType } from '../../core/schema/model.js';
import type { JwtKeys } from '../jwt.js';
import { usersPermissionsLinks } from '../permissions.js';
import { ROLE_UID, USER_UID } from './schemas.js';

/** A user row with the private columns the auth flows need (never sent to clients). */
export interface UserRecord {
  readonly id: number;
  readonly documentId: string;
  readonly username: string;
  readonly email: string;
  readonly password: string | null;
  readonly confirmed: boolean;
  readonly blocked: boolean;
}

/** One-time codes (reset password, confirm email) are stored as SHA-256 digests, never as sent. */
export function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export function newCode(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The user operations behind the Users & Permissions routes, on top of the core document operations
 * (so validation, unique checks, password hashing and private-field stripping are the generic ones).
 */
export class Users {
  constructor(
    private readonly core: CoreContext,
    private readonly jwt: JwtKeys,
    private readonly jwtExpiresIn: string | number,
  ) {}

  type(): ContentType {
    return this.core.schema().contentTypes.get(USER_UID)!;
  }

  issueJwt(user: { id: number }): Promise<string> {
    return this.jwt.sign({ id: user.id }, { expiresIn: this.jwtExpiresIn });
  }

  /** By email (compared lower-cased) or username, as Strapi's login does. */
  async byIdentifier(identifier: string): Promise<UserRecord | undefined> {
    const row = await this.core.database.db
      .selectFrom(this.type().tableName)
      .selectAll()
      .where((eb) => eb.or([eb('email', '=', identifier.toLowerCase()), eb('username', '=', identifier)]))
      .orderBy('id')
      .executeTakeFirst();
    return row ? record(row) : undefined;
  }

  async byColumn(
    column: 'document_id' | 'email' | 'username' | 'reset_password_token' | 'confirmation_token',
    value: string,
  ): Promise<UserRecord | undefined> {
    const row = await this.core.database.db
      .selectFrom(this.type().tableName)
      .selectAll()
      .where(column, '=', value)
      .executeTakeFirst();
    return row ? record(row) : undefined;
  }

  async byId(id: number): Promise<UserRecord | undefined> {
    const row = await this.core.database.db
      .selectFrom(this.type().tableName)
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? record(row) : undefined;
  }

  /** The public shape of a user (private fields stripped), with the query's fields and populate. */
  /** `access`: the caller's rights, which decide what the query's populate may reach (default: all). */
  async view(
    id: number,
    params: Record<string, unknown> = {},
    access: AccessScope = FULL_ACCESS,
  ): Promise<Document> {
    const { data } = await findDocuments(this.core, this.type(), {
      params: { ...params, filters: { id }, pagination: { start: 0, limit: 1, withCount: false } },
      access,
    });
    if (!data.length) throw new NotFoundError('User not found');
    return data[0];
  }

  async create(data: Record<string, unknown>): Promise<Document> {
    return createDocument(this.core, this.type(), { data, params: {}, access: FULL_ACCESS });
  }

  async update(record: Pick<UserRecord, 'documentId'>, data: Record<string, unknown>): Promise<Document> {
    const updated = await updateDocument(this.core, this.type(), record.documentId, {
      data,
      params: {},
      access: FULL_ACCESS,
    });
    if (!updated) throw new NotFoundError('User not found');
    return updated;
  }

  /**
   * After a successful login with a hash of an older scheme (a bcrypt hash imported from Strapi): stores
   * an argon2id hash of the password just verified. Only if the stored hash is still the one verified,
   * so a password changed meanwhile is not overwritten. A direct update: the password is private, so no
   * answer or cached read shows it, and a login is not an edit of the user (updatedAt stays).
   */
  async upgradePasswordHash(record: UserRecord, password: string): Promise<void> {
    if (!record.password || !this.core.passwords.needsRehash(record.password)) return;
    const upgraded = await this.core.passwords.hash(password);
    await this.core.database.db
      .updateTable(this.type().tableName)
      .set({ password: upgraded })
      .where('id', '=', record.id)
      .where('password', '=', record.password)
      .execute();
  }

  async remove(record: Pick<UserRecord, 'documentId'>): Promise<void> {
    await deleteDocument(this.core, this.type(), record.documentId, { params: {}, access: FULL_ACCESS });
  }

  /** The documentId of the role of a given type (e.g. `authenticated`), or of a role given by id or documentId. */
  async roleDocumentId(
    ref: { type: string } | { id: number } | { documentId: string },
  ): Promise<string | undefined> {
    const table = this.core.schema().contentTypes.get(ROLE_UID)!.tableName;
    let query = this.core.database.db.selectFrom(table).select('document_id');
    if ('type' in ref) query = query.where('type', '=', ref.type);
    else if ('id' in ref) query = query.where('id', '=', ref.id);
    else query = query.where('document_id', '=', ref.documentId);
    return (await query.executeTakeFirst())?.document_id as string | undefined;
  }

  /** How many users hold each role (for role listings). */
  async countByRole(): Promise<Map<string, number>> {
    const { userRole } = usersPermissionsLinks(this.core.schema());
    const rows = await this.core.database.db
      .selectFrom(userRole)
      .select(['target_document_id as role'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('target_document_id')
      .execute();
    return new Map(rows.map((row) => [row.role as string, Number(row.n)]));
  }
}

function record(row: Record<string, unknown>): UserRecord {
  return {
    id: Number(row.id),
    documentId: row.document_id as string,
    username: row.username as string,
    email: row.email as string,
    password: (row.password as string | null) ?? null,
    confirmed: row.confirmed === true || row.confirmed === 1,
    blocked: row.blocked === true || row.blocked === 1,
  };
}
