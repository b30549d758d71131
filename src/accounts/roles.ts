import {
  BadRequestError,
  NotFoundError,
  ValidationError,
  validationErrors,
  type FieldError,
} from '../core/errors.js';
import type { Schema } from '../core/schema/registry.js';
import { onUniqueViolation } from '../db/errors.js';
import type { Database, Executor } from '../db/types.js';
import {
  ADMIN_CONDITIONS,
  ALL_ADMIN_ACTIONS,
  BUILT_IN_ADMIN_ROLES,
  BUILT_IN_CODES,
  SUPER_ADMIN_CODE,
  isContentAction,
  type PermissionInput,
} from './actions.js';
import type { AdminAbility } from './ability.js';
import { permissionKey, requireHeld } from './privileges.js';
import { ADMIN_PERMISSIONS, ADMIN_ROLES, ADMIN_USER_ROLES } from './tables.js';

export interface AdminRoleView {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly description: string | null;
  readonly usersCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AdminPermissionView extends PermissionInput {
  readonly id: number;
  readonly roleId: number;
}

/** A permission as a client sends it (checked by `checkPermissions`). */
export interface RawPermission {
  readonly action: string;
  readonly subject?: string | null;
  readonly conditions?: readonly string[];
}

/** Admin roles and their permissions. */
export class AdminRoles {
  constructor(
    private readonly database: Database,
    private readonly schema: () => Schema,
  ) {}

  async list(db: Executor = this.database.db): Promise<AdminRoleView[]> {
    return this.#select(db);
  }

  async get(id: number, db: Executor = this.database.db): Promise<AdminRoleView> {
    const [role] = await this.#select(db, id);
    if (!role) throw new NotFoundError('Role not found');
    return role;
  }

  async #select(db: Executor, id?: number): Promise<AdminRoleView[]> {
    let query = db
      .selectFrom(`${ADMIN_ROLES} as r`)
      .leftJoin(`${ADMIN_USER_ROLES} as ur`, 'ur.role_id', 'r.id')
      .select(['r.id', 'r.code', 'r.name', 'r.description', 'r.created_at', 'r.updated_at'])
      .select((eb) => eb.fn.count('ur.user_id').as('users'))
      .groupBy(['r.id', 'r.code', 'r.name', 'r.description', 'r.created_at', 'r.updated_at'])
      .orderBy('r.id');
    if (id !== undefined) query = query.where('r.id', '=', id);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: Number(row.id),
      code: row.code as string,
      name: row.name as string,
      description: (row.description as string | null) ?? null,
      usersCount: Number(row.users),
      createdAt: row.created_at as string,
      updatedAt: row.updated_at as string,
    }));
  }

  /** The permissions of the given roles. */
  async permissions(
    roleIds: readonly number[],
    db: Executor = this.database.db,
  ): Promise<AdminPermissionView[]> {
    if (roleIds.length === 0) return [];
    const rows = await db
      .selectFrom(ADMIN_PERMISSIONS)
      .select(['id', 'role_id', 'action', 'subject', 'conditions'])
      .where('role_id', 'in', [...roleIds])
      .orderBy('id')
      .execute();
    const { dialect } = this.database;
    return rows.map((row) => {
      const conditions = dialect.fromDb('json', row.conditions);
      return {
        id: Number(row.id),
        roleId: Number(row.role_id),
        action: row.action as string,
        subject: (row.subject as string | null) ?? null,
        conditions: Array.isArray(conditions) ? (conditions as string[]) : [],
      };
    });
  }

  async create(input: { name: string; description?: string | null }): Promise<AdminRoleView> {
    return this.database.transaction(async (trx) => {
      await this.#checkNameFree(trx, input.name);
      const code = await this.#freeCode(trx, input.name);
      const now = new Date().toISOString();
      const row = await onUniqueViolation(
        () =>
          trx
            .insertInto(ADMIN_ROLES)
            .values({
              code,
              name: input.name,
              description: input.description ?? null,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow(),
        nameTaken,
      );
      return this.get(Number(row.id), trx);
    });
  }

  async update(id: number, input: { name?: string; description?: string | null }): Promise<AdminRoleView> {
    return this.database.transaction(async (trx) => {
      await this.get(id, trx);
      if (input.name !== undefined) await this.#checkNameFree(trx, input.name, id);
      const changes: Record<string, unknown> = { updated_at: new Date().toISOString() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description;
      await onUniqueViolation(
        () => trx.updateTable(ADMIN_ROLES).set(changes).where('id', '=', id).execute(),
        nameTaken,
      );
      return this.get(id, trx);
    });
  }

  /**
   * Replaces the role's permissions, as an admin with `actor`'s ability, who may add only permissions they
   * hold themselves (else a role editor could write any right into a role they have). Permissions the role
   * already had may stay. The super admin's cannot change (it may do everything anyway).
   */
  async setPermissions(
    actor: AdminAbility,
    id: number,
    raw: readonly RawPermission[],
  ): Promise<AdminPermissionView[]> {
    const permissions = checkPermissions(this.schema(), raw);
    return this.database.transaction(async (trx) => {
      const role = await this.get(id, trx);
      if (role.code === SUPER_ADMIN_CODE)
        throw new BadRequestError("Super admin permissions can't be edited");
      const had = new Set((await this.permissions([id], trx)).map(permissionKey));
      const added = permissions.filter((p) => !had.has(permissionKey(p)));
      requireHeld(actor, added, `You may not grant these permissions to the role "${role.name}"`);
      await trx.deleteFrom(ADMIN_PERMISSIONS).where('role_id', '=', id).execute();
      await this.#insertPermissions(trx, id, permissions);
      await trx
        .updateTable(ADMIN_ROLES)
        .set({ updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
      return this.permissions([id], trx);
    });
  }

  async remove(id: number): Promise<AdminRoleView> {
    return this.database.transaction(async (trx) => {
      const role = await this.get(id, trx);
      if (BUILT_IN_CODES.includes(role.code)) throw new BadRequestError('Built-in roles cannot be deleted');
      if (role.usersCount > 0) throw new BadRequestError('Some admins still have this role');
      await trx.deleteFrom(ADMIN_ROLES).where('id', '=', id).execute();
      return role;
    });
  }

  /** Creates the built-in roles that do not exist yet; call under the schema lock. Returns their codes. */
  async seedBuiltIns(trx: Executor): Promise<string[]> {
    const existing = new Set(
      (await trx.selectFrom(ADMIN_ROLES).select('code').execute()).map((row) => row.code as string),
    );
    const created: string[] = [];
    for (const role of BUILT_IN_ADMIN_ROLES) {
      if (existing.has(role.code)) continue;
      const now = new Date().toISOString();
      const row = await trx
        .insertInto(ADMIN_ROLES)
        .values({
          code: role.code,
          name: role.name,
          description: role.description,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.#insertPermissions(trx, Number(row.id), role.permissions);
      created.push(role.code);
    }
    return created;
  }

  async idOfCode(code: string, db: Executor = this.database.db): Promise<number | undefined> {
    const row = await db.selectFrom(ADMIN_ROLES).select('id').where('code', '=', code).executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }

  async #insertPermissions(trx: Executor, roleId: number, permissions: readonly PermissionInput[]) {
    if (permissions.length === 0) return;
    const now = new Date().toISOString();
    await trx
      .insertInto(ADMIN_PERMISSIONS)
      .values(
        permissions.map((p) => ({
          role_id: roleId,
          action: p.action,
          subject: p.subject,
          conditions: this.database.dialect.toDb('json', p.conditions),
          created_at: now,
        })),
      )
      .execute();
  }

  async #checkNameFree(db: Executor, name: string, except?: number): Promise<void> {
    let query = db.selectFrom(ADMIN_ROLES).select('id').where('name', '=', name);
    if (except !== undefined) query = query.where('id', '<>', except);
    if (await query.executeTakeFirst()) throw nameTaken();
  }

  async #freeCode(db: Executor, name: string): Promise<string> {
    const base = slug(name) || 'role';
    const taken = new Set(
      (await db.selectFrom(ADMIN_ROLES).select('code').where('code', 'like', `${base}%`).execute()).map(
        (row) => row.code as string,
      ),
    );
    let code = base;
    for (let n = 2; taken.has(code); n++) code = `${base}-${n}`;
    return code;
  }
}

function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function nameTaken(): ValidationError {
  const message = 'A role with this name already exists';
  return validationErrors([{ path: ['name'], message, name: 'ValidationError' }], 'QUORUM_NOT_UNIQUE');
}

/**
 * Checks permissions a client sends: known actions, subjects only on content actions (a content type
 * uid, or null for all of the app's types), known conditions only on content actions. Duplicates are
 * dropped. Every problem is reported at once.
 */
export function checkPermissions(schema: Schema, raw: readonly RawPermission[]): PermissionInput[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const result: PermissionInput[] = [];
  raw.forEach((permission, i) => {
    const fail = (key: string, message: string) =>
      errors.push({ path: ['permissions', i, key], message, name: 'ValidationError' });
    const { action } = permission;
    const subject = permission.subject ?? null;
    const conditions = [...new Set(permission.conditions ?? [])].sort();
    if (!ALL_ADMIN_ACTIONS.includes(action)) return fail('action', `Unknown action "${action}"`);
    if (isContentAction(action)) {
      if (subject !== null && !schema.contentTypes.has(subject))
        fail('subject', `Unknown content type "${subject}"`);
      const unknown = conditions.filter((c) => !ADMIN_CONDITIONS.includes(c));
      if (unknown.length) fail('conditions', `Unknown condition "${unknown[0]}"`);
    } else {
      if (subject !== null) fail('subject', `${action} takes no subject`);
      if (conditions.length) fail('conditions', `${action} takes no conditions`);
    }
    const key = JSON.stringify([action, subject, conditions]);
    if (seen.has(key)) return;
    seen.add(key);
    result.push({ action, subject, conditions });
  });
  if (errors.length) throw validationErrors(errors);
  return result;
}
