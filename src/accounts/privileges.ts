import type { ApiTokenType } from '../auth/api-tokens.js';
import {
  AUTH_ACTIONS,
  ROLE_ACTIONS,
  UPLOAD_ACTIONS,
  USER_ACTIONS,
} from '../auth/users-permissions/actions.js';
import { USER_UID } from '../auth/users-permissions/schemas.js';
import { ForbiddenError } from '../core/errors.js';
import type { Schema } from '../core/schema/registry.js';
import type { AdminAbility } from './ability.js';
import { ADMIN_ACTIONS, type PermissionInput } from './actions.js';
import { contentApiActions } from './content-api-actions.js';

/**
 * The rule that keeps admins from raising rights — their own or anyone's: nobody hands out (to a role, an
 * admin or an API token) a permission they do not hold themselves. Super admins hold everything.
 */

/** Whether `ability` covers `permission`: the same action and subject, under no more conditions. */
export function holds(ability: AdminAbility, permission: PermissionInput): boolean {
  const alternatives = ability.conditionsFor(permission.action, permission.subject ?? undefined);
  if (alternatives === undefined) return false;
  if (alternatives === null) return true;
  // A grant limited by conditions covers a permission limited by at least those conditions.
  return alternatives.some((needed) => needed.every((c) => permission.conditions.includes(c)));
}

/** The permissions of `wanted` that `ability` does not hold. */
export function notHeld(ability: AdminAbility, wanted: readonly PermissionInput[]): PermissionInput[] {
  return ability.isSuperAdmin ? [] : wanted.filter((p) => !holds(ability, p));
}

/** 403 naming what is missing, when `ability` does not hold all of `wanted`. */
export function requireHeld(
  ability: AdminAbility,
  wanted: readonly PermissionInput[],
  refused: string,
): void {
  const missing = notHeld(ability, wanted);
  if (missing.length === 0) return;
  const more = missing.length > 1 ? ` and ${missing.length - 1} more` : '';
  throw new ForbiddenError(
    `${refused}: you do not hold ${label(missing[0])}${more}`,
    { missing: missing.map(({ action, subject, conditions }) => ({ action, subject, conditions })) },
    'QUORUM_MISSING_PRIVILEGES',
  );
}

function label(p: PermissionInput): string {
  return `${p.action}${p.subject ? ` on ${p.subject}` : ''}${p.conditions.length ? ` (${p.conditions.join(', ')})` : ''}`;
}

/** Permissions as a set key: two permissions are the same grant when action, subject and conditions are. */
export function permissionKey(p: PermissionInput): string {
  return JSON.stringify([p.action, p.subject ?? null, [...p.conditions].sort()]);
}

const unconditional = (action: string, subject: string | null = null): PermissionInput => ({
  action,
  subject,
  conditions: [],
});

/**
 * What an admin must hold to hand out a content-API action to an API token: the content-manager action on
 * the same type, unconditionally (a token has no creator to limit it to), and publish too for writes of a
 * draft-and-publish type (REST writes publish unless `status=draft`). Users & Permissions and upload
 * actions map to the admin actions of the same data; the auth routes (login, register…) need nothing,
 * since they only ever act for whoever logs in.
 */
function neededFor(schema: Schema, action: string): PermissionInput[] {
  const { content, endUserRoles, media } = ADMIN_ACTIONS;
  switch (action) {
    case USER_ACTIONS.find:
    case USER_ACTIONS.findOne:
    case USER_ACTIONS.count:
      return [unconditional(content.read, USER_UID)];
    case USER_ACTIONS.create:
      return [unconditional(content.create, USER_UID)];
    case USER_ACTIONS.update:
      return [unconditional(content.update, USER_UID)];
    case USER_ACTIONS.destroy:
      return [unconditional(content.delete, USER_UID)];
    case ROLE_ACTIONS.find:
    case ROLE_ACTIONS.findOne:
    case ROLE_ACTIONS.getPermissions:
      return [unconditional(endUserRoles.read)];
    case ROLE_ACTIONS.createRole:
      return [unconditional(endUserRoles.create)];
    case ROLE_ACTIONS.updateRole:
      return [unconditional(endUserRoles.update)];
    case ROLE_ACTIONS.deleteRole:
      return [unconditional(endUserRoles.delete)];
    case UPLOAD_ACTIONS.upload:
      return [unconditional(media.create)];
    case UPLOAD_ACTIONS.find:
    case UPLOAD_ACTIONS.findOne:
      return [unconditional(media.read)];
    case UPLOAD_ACTIONS.destroy:
      return [unconditional(media.delete)];
  }
  if (action === USER_ACTIONS.me || (Object.values(AUTH_ACTIONS) as string[]).includes(action)) return [];
  const dot = action.lastIndexOf('.');
  const uid = action.slice(0, dot);
  const verb = action.slice(dot + 1);
  const type = schema.contentTypes.get(uid);
  const writes = verb === 'create' || verb === 'update';
  const admin =
    verb === 'find' || verb === 'findOne'
      ? content.read
      : writes
        ? content[verb]
        : verb === 'delete'
          ? content.delete
          : undefined;
  // Not an action of the catalogue: nothing less than everything covers it.
  if (!type || !admin) return [unconditional(`${action} (unknown)`)];
  const needed = [unconditional(admin, uid)];
  if (writes && type.draftAndPublish) needed.push(unconditional(content.publish, uid));
  return needed;
}

/** The content-API actions a token of `type` may use (as `auth/principal.ts` decides). */
export function tokenActions(schema: Schema, type: ApiTokenType, permissions: readonly string[]): string[] {
  if (type === 'custom') return [...permissions];
  const all = contentApiActions(schema);
  if (type === 'full-access') return all;
  return all.filter((action) => /\.(find|findOne)$/.test(action));
}

/** The admin permissions that cover every action of `actions`, each once. */
export function adminPermissionsFor(schema: Schema, actions: readonly string[]): PermissionInput[] {
  const byKey = new Map<string, PermissionInput>();
  for (const action of actions)
    for (const permission of neededFor(schema, action)) byKey.set(permissionKey(permission), permission);
  return [...byKey.values()];
}
