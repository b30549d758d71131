import { sql, type Expression, type SqlBool } from 'kysely';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { onUniqueViolation } from '../db/errors.js';
import type { Database, Executor } from '../db/types.js';
import { SUPER_ADMIN_CODE } from './actions.js';
import { ADMIN_ROLES, ADMIN_USER_ROLES, ADMIN_USERS } from './tables.js';

export interface AdminRoleRef {
  readonly id: number;
  readonly code: string;
  readonly name: string;
}

/** An admin as the API shows it: never the password hash. */
export interface AdminUserView {
  readonly id: number;
  readonly email: string;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly isActive: boolean;
  readonly blocked: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly roles: readonly AdminRoleRef[];
}

/** The columns login needs (kept inside the server). */
export interface AdminCredentials {
  readonly id: number;
  readonly email: string;
  readonly passwordHash: string;
  readonly isActive: boolean;
  readonly blocked: boolean;
}

export interface AdminUserChanges {
  readonly email?: string;
  readonly firstname?: string | null;
  readonly lastname?: string | null;
  readonly passwordHash?: string;
  readonly isActive?: boolean;
  readonly blocked?: boolean;
  readonly roleIds?: readonly number[];
}

export interface Page<T> {
  readonly results: T[];
  readonly pagination: { page: number; pageSize: number; pageCount: number; total: number };
}

/** Admin accounts: rows of quorum_admin_users and their role links. Callers choose the transaction. */
export class AdminUsers {
  constructor(private readonly database: Database) {}

  async count(db: Executor = this.database.db): Promise<number> {
    const row = await db
      .selectFrom(ADMIN_USERS)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async credentials(email: string, db: Executor = this.database.db): Promise<AdminCredentials | undefined> {
    const row = await db
      .selectFrom(ADMIN_USERS)
      .select(['id', 'email', 'password', 'is_active', 'blocked'])
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? this.#credentials(row) : undefined;
  }

  async credentialsById(id: number, db: Executor = this.database.db): Promise<AdminCredentials | undefined> {
    const row = await db
      .selectFrom(ADMIN_USERS)
      .select(['id', 'email', 'password', 'is_active', 'blocked'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? this.#credentials(row) : undefined;
  }

  #credentials(row: Record<string, unknown>): AdminCredentials {
    const { dialect } = this.database;
    return {
      id: Number(row.id),
      email: row.email as string,
      passwordHash: row.password as string,
      isActive: dialect.fromDb('boolean', row.is_active) === true,
      blocked: dialect.fromDb('boolean', row.blocked) === true,
    };
  }

  async view(id: number, db: Executor = this.database.db): Promise<AdminUserView> {
    const rows = await db.selectFrom(ADMIN_USERS).selectAll().where('id', '=', id).execute();
    if (rows.length === 0) throw new NotFoundError('User not found');
    return (await this.#views(db, rows))[0];
  }

  /** A page of admins, by id, optionally matching `q` in email, first or last name (case-insensitive). */
  async list(options: { page: number; pageSize: number; q?: string }): Promise<Page<AdminUserView>> {
    const { db, dialect } = this.database;
    const q = options.q?.trim();
    const matches = (eb: { or(list: Expression<SqlBool>[]): Expression<SqlBool> }) =>
      eb.or(
        ['email', 'firstname', 'lastname'].map((column) =>
          dialect.match(dialect.lower(sql.ref(column)), 'contains', q!.toLowerCase()),
        ),
      );
    let rowsQuery = db.selectFrom(ADMIN_USERS).selectAll();
    let countQuery = db.selectFrom(ADMIN_USERS).select((eb) => eb.fn.countAll().as('n'));
    if (q) {
      rowsQuery = rowsQuery.where(matches);
      countQuery = countQuery.where(matches);
    }
    const [rows, count] = await Promise.all([
      rowsQuery
        .orderBy('id')
        .limit(options.pageSize)
        .offset((options.page - 1) * options.pageSize)
        .execute(),
      countQuery.executeTakeFirstOrThrow(),
    ]);
    const total = Number(count.n);
    return {
      results: await this.#views(db, rows),
      pagination: {
        page: options.page,
        pageSize: options.pageSize,
        pageCount: Math.ceil(total / options.pageSize),
        total,
      },
    };
  }

  async #views(db: Executor, rows: Record<string, unknown>[]): Promise<AdminUserView[]> {
    const { dialect } = this.database;
    const roles = await this.rolesOf(
      rows.map((row) => Number(row.id)),
      db,
    );
    return rows.map((row) => ({
      id: Number(row.id),
      email: row.email as string,
      firstname: (row.firstname as string | null) ?? null,
      lastname: (row.lastname as string | null) ?? null,
      isActive: dialect.fromDb('boolean', row.is_active) === true,
      blocked: dialect.fromDb('boolean', row.blocked) === true,
      createdAt: row.created_at as string,
      updatedAt: row.updated_at as string,
      roles: roles.get(Number(row.id)) ?? [],
    }));
  }

  async rolesOf(
    userIds: readonly number[],
    db: Executor = this.database.db,
  ): Promise<Map<number, AdminRoleRef[]>> {
    const result = new Map<number, AdminRoleRef[]>();
    if (userIds.length === 0) return result;
    const rows = await db
      .selectFrom(`${ADMIN_USER_ROLES} as ur`)
      .innerJoin(`${ADMIN_ROLES} as r`, 'r.id', 'ur.role_id')
      .select(['ur.user_id as user', 'r.id as id', 'r.code as code', 'r.name as name'])
      .where('ur.user_id', 'in', [...userIds])
      .orderBy('r.id')
      .execute();
    for (const row of rows) {
      const list = result.get(Number(row.user)) ?? [];
      list.push({ id: Number(row.id), code: row.code as string, name: row.name as string });
      result.set(Number(row.user), list);
    }
    return result;
  }

  async create(
    db: Executor,
    input: {
      email: string;
      firstname?: string | null;
      lastname?: string | null;
      passwordHash: string;
      isActive?: boolean;
      roleIds: readonly number[];
    },
  ): Promise<number> {
    const { dialect } = this.database;
    const email = input.email.toLowerCase();
    await this.#checkEmailFree(db, email);
    await this.#checkRoles(db, input.roleIds);
    const now = new Date().toISOString();
    const row = await onUniqueViolation(
      () =>
        db
          .insertInto(ADMIN_USERS)
          .values({
            email,
            firstname: input.firstname ?? null,
            lastname: input.lastname ?? null,
            password: input.passwordHash,
            is_active: dialect.toDb('boolean', input.isActive ?? true),
            blocked: dialect.toDb('boolean', false),
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow(),
      emailTaken,
    );
    const id = Number(row.id);
    await this.#setRoles(db, id, input.roleIds);
    return id;
  }

  async update(db: Executor, id: number, changes: AdminUserChanges): Promise<void> {
    const { dialect } = this.database;
    const current = await this.credentialsById(id, db);
    if (!current) throw new NotFoundError('User not found');
    const set: Record<string, unknown> = { updated_at: new Date().toISOString() };
    if (changes.email !== undefined) {
      const email = changes.email.toLowerCase();
      if (email !== current.email) await this.#checkEmailFree(db, email);
      set.email = email;
    }
    if (changes.firstname !== undefined) set.firstname = changes.firstname;
    if (changes.lastname !== undefined) set.lastname = changes.lastname;
    if (changes.passwordHash !== undefined) set.password = changes.passwordHash;
    if (changes.isActive !== undefined) set.is_active = dialect.toDb('boolean', changes.isActive);
    if (changes.blocked !== undefined) set.blocked = dialect.toDb('boolean', changes.blocked);
    await onUniqueViolation(
      () => db.updateTable(ADMIN_USERS).set(set).where('id', '=', id).execute(),
      emailTaken,
    );
    if (changes.roleIds !== undefined) {
      await this.#checkRoles(db, changes.roleIds);
      await db.deleteFrom(ADMIN_USER_ROLES).where('user_id', '=', id).execute();
      await this.#setRoles(db, id, changes.roleIds);
    }
  }

  /** Replaces a verified hash of an older scheme; only if it is still the stored one (see login). */
  async replacePasswordHash(id: number, verified: string, upgraded: string): Promise<void> {
    await this.database.db
      .updateTable(ADMIN_USERS)
      .set({ password: upgraded })
      .where('id', '=', id)
      .where('password', '=', verified)
      .execute();
  }

  async remove(db: Executor, id: number): Promise<void> {
    await db.deleteFrom(ADMIN_USERS).where('id', '=', id).execute();
  }

  /** Admins who hold the super admin role and may log in. */
  async activeSuperAdmins(db: Executor): Promise<number> {
    const { dialect } = this.database;
    const row = await db
      .selectFrom(`${ADMIN_USERS} as u`)
      .innerJoin(`${ADMIN_USER_ROLES} as ur`, 'ur.user_id', 'u.id')
      .innerJoin(`${ADMIN_ROLES} as r`, 'r.id', 'ur.role_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('r.code', '=', SUPER_ADMIN_CODE)
      .where('u.is_active', '=', dialect.toDb('boolean', true))
      .where('u.blocked', '=', dialect.toDb('boolean', false))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async #setRoles(db: Executor, userId: number, roleIds: readonly number[]): Promise<void> {
    const unique = [...new Set(roleIds)];
    if (unique.length === 0) return;
    await db
      .insertInto(ADMIN_USER_ROLES)
      .values(unique.map((roleId) => ({ user_id: userId, role_id: roleId })))
      .execute();
  }

  async #checkRoles(db: Executor, roleIds: readonly number[]): Promise<void> {
    const unique = [...new Set(roleIds)];
    const found =
      unique.length === 0
        ? []
        : await db.selectFrom(ADMIN_ROLES).select('id').where('id', 'in', unique).execute();
    const known = new Set(found.map((row) => Number(row.id)));
    const missing = unique.filter((id) => !known.has(id));
    if (missing.length) {
      const message = `Unknown role id ${missing[0]}`;
      throw new ValidationError(message, {
        errors: [{ path: ['roles'], message, name: 'ValidationError' }],
      });
    }
  }

  async #checkEmailFree(db: Executor, email: string): Promise<void> {
    const row = await db.selectFrom(ADMIN_USERS).select('id').where('email', '=', email).executeTakeFirst();
    if (row) throw emailTaken();
  }
}

function emailTaken(): ValidationError {
  return new ValidationError(
    'Email already taken',
    { errors: [{ path: ['email'], message: 'Email already taken', name: 'ValidationError' }] },
    'QUORUM_NOT_UNIQUE',
  );
}
