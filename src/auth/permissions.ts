import type { Logger } from 'pino';
import { ChangeListeners } from './change-listeners.js';
import type { Executor } from '../db/types.js';
import type { Schema } from '../core/schema/registry.js';
import { ownedRelations } from '../core/schema/relations.js';
import { AUTHENTICATED_ROLE, PUBLIC_ROLE } from './users-permissions/actions.js';
import { PERMISSION_UID, ROLE_UID, USER_UID } from './users-permissions/schemas.js';

export interface RoleInfo {
  readonly id: number;
  readonly documentId: string;
  readonly name: string;
  readonly type: string | null;
}

/** A role's grants: action → the conditions of each grant (null: unconditional). */
export type Grants = ReadonlyMap<string, readonly (Record<string, unknown> | null)[]>;

export interface PermissionSnapshot {
  /**
   * Changes when a reload finds other roles or grants than the previous one (not at every reload: it is
   * part of the keys of cached plans and cached answers, which a needless change would all retire).
   */
  readonly version: number;
  readonly roles: ReadonlyMap<string, RoleInfo>;
  readonly grants: ReadonlyMap<string, Grants>;
  readonly publicRole?: RoleInfo;
  readonly authenticatedRole?: RoleInfo;
}

/** The link tables behind permission.role and user.role, found from the schema (names derive from it). */
export function usersPermissionsLinks(schema: Schema): { permissionRole: string; userRole: string } {
  const find = (owner: string, attribute: string) => {
    const storage = ownedRelations(schema).find(
      (s) => s.owner.uid === owner && s.ownerAttribute.name === attribute,
    );
    if (!storage) throw new Error(`${owner}.${attribute} has no link table`);
    return storage.table;
  };
  return { permissionRole: find(PERMISSION_UID, 'role'), userRole: find(USER_UID, 'role') };
}

/**
 * Roles and their grants, kept in memory and reloaded at most every `ttlMs` (and at once after a change
 * made through this node). The TTL bounds how long another node's permission change takes to apply
 * here when no bus message arrives.
 */
export class PermissionStore {
  #snapshot: PermissionSnapshot | undefined;
  #loadedAt = 0;
  #loading: Promise<PermissionSnapshot> | undefined;
  #version = 0;
  /** What the current version was computed from: the roles and grants as read. */
  #fingerprint = '';

  constructor(
    private readonly db: Executor,
    private readonly schema: () => Schema,
    private readonly options: { ttlMs: number; logger?: Logger },
  ) {}

  async snapshot(): Promise<PermissionSnapshot> {
    if (this.#snapshot && Date.now() - this.#loadedAt < this.options.ttlMs) return this.#snapshot;
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  readonly changes = new ChangeListeners();

  /** Forgets the snapshot on this node only (the next request reloads it). */
  forget(): void {
    this.#loadedAt = 0;
  }

  /** After a change to roles or grants: forget here and tell the other nodes. */
  invalidate(): void {
    this.forget();
    this.changes.notify();
  }

  async #load(): Promise<PermissionSnapshot> {
    const schema = this.schema();
    const roleType = schema.contentTypes.get(ROLE_UID)!;
    const permissionType = schema.contentTypes.get(PERMISSION_UID)!;
    const { permissionRole } = usersPermissionsLinks(schema);
    const roleRows = await this.db
      .selectFrom(roleType.tableName)
      .select(['id', 'document_id', 'name', 'type'])
      .execute();
    const grantRows = await this.db
      .selectFrom(`${permissionType.tableName} as p`)
      .innerJoin(`${permissionRole} as l`, 'l.source_id', 'p.id')
      .select(['p.action as action', 'p.conditions as conditions', 'l.target_document_id as role'])
      .execute();

    const roles = new Map<string, RoleInfo>();
    for (const row of roleRows) {
      roles.set(row.document_id as string, {
        id: Number(row.id),
        documentId: row.document_id as string,
        name: row.name as string,
        type: (row.type as string | null) ?? null,
      });
    }
    const grants = new Map<string, Map<string, (Record<string, unknown> | null)[]>>();
    for (const row of grantRows) {
      const role = row.role as string;
      let map = grants.get(role);
      if (!map) grants.set(role, (map = new Map()));
      const conditions = parseConditions(row.conditions);
      const list = map.get(row.action as string) ?? [];
      list.push(conditions);
      map.set(row.action as string, list);
    }
    const byType = (type: string) => [...roles.values()].find((r) => r.type === type);
    const fingerprint = jsonOf([
      roleRows.map((r) => [r.id, r.document_id, r.name, r.type]).sort(compareJson),
      grantRows.map((r) => [r.role, r.action, r.conditions]).sort(compareJson),
    ]);
    if (fingerprint !== this.#fingerprint) {
      this.#fingerprint = fingerprint;
      this.#version++;
    }
    const snapshot: PermissionSnapshot = {
      version: this.#version,
      roles,
      grants,
      publicRole: byType(PUBLIC_ROLE),
      authenticatedRole: byType(AUTHENTICATED_ROLE),
    };
    this.#snapshot = snapshot;
    this.#loadedAt = Date.now();
    return snapshot;
  }
}

/** Orders rows by their JSON form, so the same rows read in another order give the same fingerprint. */
function compareJson(a: unknown, b: unknown): number {
  const x = jsonOf(a);
  const y = jsonOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** JSON of database values (64-bit integers included). */
function jsonOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function parseConditions(value: unknown): Record<string, unknown> | null {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).length
    ? (parsed as Record<string, unknown>)
    : null;
}
