import type { Authenticator } from '../auth/principal.js';
import type { PermissionStore } from '../auth/permissions.js';
import { usersPermissionsLinks } from '../auth/permissions.js';
import { AUTHENTICATED_ROLE, PUBLIC_ROLE } from '../auth/users-permissions/actions.js';
import { PERMISSION_UID, ROLE_UID, USER_UID } from '../auth/users-permissions/schemas.js';
import { contentChanged } from '../core/documents/transaction.js';
import type { Users } from '../auth/users-permissions/users.js';
import { FULL_ACCESS } from '../core/access.js';
import { inTransaction, type CoreContext } from '../core/context.js';
import { findDocuments } from '../core/documents/find.js';
import type { Document } from '../core/documents/serialize.js';
import { createDocument, deleteDocument, updateDocument } from '../core/documents/write.js';
import { BadRequestError, NotFoundError, ValidationError, validationErrors } from '../core/errors.js';
import type { ContentType } from '../core/schema/model.js';
import { stableStringify } from '../core/schema/stable-json.js';
import { grantProblems } from './content-api-actions.js';

/** A grant of an end-user role: an action, optionally limited by conditions (filters with `$user.*`). */
export interface Grant {
  readonly action: string;
  readonly conditions?: Record<string, unknown> | null;
}

export interface GrantView {
  readonly id: number;
  readonly documentId: string;
  readonly action: string;
  readonly conditions: Record<string, unknown> | null;
}

// Ids are 32-bit integers on PostgreSQL: a larger one names nothing (and must not reach the database).
const MAX_ID = 2_147_483_647;

/** A role document (Strapi's shape) with how many users hold it. */
export type RoleView = Document & { nb_users: number };

/**
 * End-user (Users & Permissions) roles and their grants, written through the core document operations
 * on the role and permission types, as the start-up bootstrap does. Every change invalidates this
 * node's permission snapshot, so it applies here at once (other nodes within auth.permissionCacheTtlMs).
 */
export class EndUserRoles {
  constructor(
    private readonly core: CoreContext,
    private readonly users: Users,
    private readonly permissions: PermissionStore,
    private readonly auth: Authenticator,
  ) {}

  #type(uid: string): ContentType {
    return this.core.schema().contentTypes.get(uid)!;
  }

  /** Every role, by name, with its user count. */
  async list(): Promise<RoleView[]> {
    const roles = await this.#all(this.#type(ROLE_UID), { sort: ['name:asc', 'id:asc'] });
    const counts = await this.users.countByRole();
    return roles.map((role) => ({ ...role, nb_users: counts.get(role.documentId as string) ?? 0 }));
  }

  /** A role by numeric id or documentId, or 404. */
  async get(ref: string | number): Promise<RoleView> {
    const documentId = await this.#documentId(ref);
    const { data } = await findDocuments(this.core, this.#type(ROLE_UID), {
      params: { filters: { documentId }, pagination: { start: 0, limit: 1, withCount: false } },
      access: FULL_ACCESS,
    });
    if (!data.length) throw new NotFoundError('Role not found');
    const counts = await this.users.countByRole();
    return { ...data[0], nb_users: counts.get(documentId) ?? 0 };
  }

  async grants(ref: string | number): Promise<GrantView[]> {
    const documentId = await this.#documentId(ref);
    const schema = this.core.schema();
    const { permissionRole } = usersPermissionsLinks(schema);
    const rows = await this.core.database.db
      .selectFrom(`${this.#type(PERMISSION_UID).tableName} as p`)
      .innerJoin(`${permissionRole} as l`, 'l.source_id', 'p.id')
      .select([
        'p.id as id',
        'p.document_id as documentId',
        'p.action as action',
        'p.conditions as conditions',
      ])
      .where('l.target_document_id', '=', documentId)
      .orderBy('p.id')
      .execute();
    const { dialect } = this.core.database;
    return rows.map((row) => {
      const conditions = dialect.fromDb('json', row.conditions) as Record<string, unknown> | null;
      return {
        id: Number(row.id),
        documentId: row.documentId as string,
        action: row.action as string,
        conditions: conditions && Object.keys(conditions).length ? conditions : null,
      };
    });
  }

  async create(
    input: { name: string; description?: string | null; type?: string },
    grants: readonly Grant[],
  ): Promise<RoleView> {
    this.#checkGrants(grants);
    const type = input.type ?? roleTypeOf(input.name);
    if (await this.users.roleDocumentId({ type }))
      throw fieldError('name', `A role of type "${type}" already exists`);
    const documentId = await this.#write(async (core) => {
      const role = await createDocument(core, this.#type(ROLE_UID), {
        data: { name: input.name, description: input.description ?? '', type },
        params: {},
      });
      await this.#replaceGrants(core, role.documentId as string, [], grants);
      return role.documentId as string;
    });
    return this.get(documentId);
  }

  /**
   * Updates name and description, and — when `grants` is given — makes the role's grants exactly
   * those it returns for the current ones.
   */
  async update(
    ref: string | number,
    input: { name?: string; description?: string | null },
    grants?: (current: readonly GrantView[]) => readonly Grant[],
  ): Promise<RoleView> {
    const documentId = await this.#documentId(ref);
    const current = await this.grants(documentId);
    const wanted = grants?.(current);
    if (wanted) this.#checkGrants(wanted);
    await this.#write(async (core) => {
      const data: Record<string, unknown> = {};
      if (input.name !== undefined) data.name = input.name;
      if (input.description !== undefined) data.description = input.description ?? '';
      if (Object.keys(data).length)
        await updateDocument(core, this.#type(ROLE_UID), documentId, { data, params: {} });
      if (wanted) await this.#replaceGrants(core, documentId, current, wanted);
    });
    return this.get(documentId);
  }

  /**
   * Deletes a role and its grants; its users move to the Authenticated role (Strapi moves them to
   * Public, which would leave them with less than an anonymous visitor's account grants).
   */
  async remove(ref: string | number): Promise<RoleView> {
    const role = await this.get(ref);
    const documentId = role.documentId as string;
    if (role.type === PUBLIC_ROLE) throw new BadRequestError('Cannot delete public role');
    if (role.type === AUTHENTICATED_ROLE) throw new BadRequestError('Cannot delete authenticated role');
    const fallback = await this.users.roleDocumentId({ type: AUTHENTICATED_ROLE });
    const current = await this.grants(documentId);
    await this.#write(async (core) => {
      const schema = core.schema();
      const { userRole } = usersPermissionsLinks(schema);
      const members = await core.database.db
        .selectFrom(`${this.#type(USER_UID).tableName} as u`)
        .innerJoin(`${userRole} as l`, 'l.source_id', 'u.id')
        .select('u.document_id as documentId')
        .where('l.target_document_id', '=', documentId)
        .execute();
      for (const member of members) {
        await updateDocument(core, this.#type(USER_UID), member.documentId as string, {
          data: { role: fallback ?? null },
          params: {},
        });
      }
      await this.#replaceGrants(core, documentId, current, []);
      await deleteDocument(core, this.#type(ROLE_UID), documentId, { params: {} });
    });
    this.auth.forgetUsers();
    return role;
  }

  async #write<T>(fn: (core: CoreContext) => Promise<T>): Promise<T> {
    try {
      return await this.core.database.transaction((trx) => fn(inTransaction(this.core, trx)));
    } finally {
      // The writes joined this transaction: what they signalled happened before it committed.
      contentChanged(this.core, [ROLE_UID, PERMISSION_UID, USER_UID]);
      this.permissions.invalidate();
    }
  }

  async #replaceGrants(
    core: CoreContext,
    roleDocumentId: string,
    current: readonly GrantView[],
    wanted: readonly Grant[],
  ): Promise<void> {
    const permissionType = this.#type(PERMISSION_UID);
    const wantedByKey = new Map(wanted.map((g) => [grantKey(g), g]));
    for (const grant of current) {
      const key = grantKey(grant);
      if (wantedByKey.has(key)) wantedByKey.delete(key);
      else await deleteDocument(core, permissionType, grant.documentId, { params: {} });
    }
    for (const grant of wantedByKey.values()) {
      await createDocument(core, permissionType, {
        data: { action: grant.action, conditions: emptyToNull(grant.conditions), role: roleDocumentId },
        params: {},
      });
    }
  }

  #checkGrants(grants: readonly Grant[]): void {
    const schema = this.core.schema();
    const errors = grants.flatMap((grant, i) => grantProblems(schema, grant, ['permissions', i]));
    if (errors.length) throw validationErrors(errors);
  }

  async #documentId(ref: string | number): Promise<string> {
    const documentId =
      typeof ref === 'number' || /^\d{1,15}$/.test(ref)
        ? Number(ref) <= MAX_ID
          ? await this.users.roleDocumentId({ id: Number(ref) })
          : undefined
        : ref.length <= 255
          ? await this.users.roleDocumentId({ documentId: ref })
          : undefined;
    if (!documentId) throw new NotFoundError('Role not found');
    return documentId;
  }

  /** Every document of a type (roles are few; read in pages of the largest allowed size). */
  async #all(type: ContentType, params: Record<string, unknown>): Promise<Document[]> {
    const limit = this.core.limits.maxLimit;
    const all: Document[] = [];
    for (let start = 0; ; start += limit) {
      const { data } = await findDocuments(this.core, type, {
        params: { ...params, pagination: { start, limit, withCount: false } },
        access: FULL_ACCESS,
      });
      all.push(...data);
      if (data.length < limit) return all;
    }
  }
}

function emptyToNull(conditions: Record<string, unknown> | null | undefined) {
  return conditions && Object.keys(conditions).length ? conditions : null;
}

function grantKey(grant: Grant): string {
  const conditions = emptyToNull(grant.conditions);
  return `${grant.action} ${conditions ? stableStringify(conditions) : ''}`;
}

/** Strapi derives a role's type from its name: snake_case, accents removed. */
export function roleTypeOf(name: string): string {
  const type = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return type || 'role';
}

function fieldError(key: string, message: string): ValidationError {
  return new ValidationError(message, { errors: [{ path: [key], message, name: 'ValidationError' }] });
}
