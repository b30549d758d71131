import { FULL_ACCESS, type AccessScope, type UpdateRights } from '../core/access.js';
import { ADMIN_ACTIONS, IS_CREATOR, isContentAction, type PermissionInput } from './actions.js';

/**
 * What one admin may do: the union of their roles' permissions. A super admin may do everything.
 * A permission with a null subject on a content action covers every content type of the app
 * (`api::*` uids), not the built-in plugin types (end users are managed through their own grant).
 */
export class AdminAbility {
  constructor(
    readonly isSuperAdmin: boolean,
    readonly permissions: readonly PermissionInput[],
  ) {}

  /**
   * The conditions under which `action` (on `subject`) is allowed: `null` when unconditionally,
   * a list of alternatives (each a list of condition names that must all hold) when only under
   * conditions, `undefined` when not at all.
   */
  conditionsFor(action: string, subject?: string): readonly (readonly string[])[] | null | undefined {
    if (this.isSuperAdmin) return null;
    const matching = this.permissions.filter(
      (p) => p.action === action && subjectMatches(p.action, p.subject, subject),
    );
    if (matching.length === 0) return undefined;
    if (matching.some((p) => p.conditions.length === 0)) return null;
    return matching.map((p) => p.conditions);
  }

  can(action: string, subject?: string): boolean {
    return this.conditionsFor(action, subject) !== undefined;
  }
}

function subjectMatches(action: string, granted: string | null, wanted: string | undefined): boolean {
  if (granted === (wanted ?? null)) return true;
  return granted === null && isContentAction(action) && wanted !== undefined && wanted.startsWith('api::');
}

/**
 * How a content-manager action applies to an admin: not at all, on every document, or only on the
 * documents they created (created_by_id = their id). The only condition Quorum knows is
 * `admin::is-creator`, so each alternative is either empty or that one condition.
 */
export type ContentAccess =
  { readonly allowed: false } | { readonly allowed: true; readonly createdBy?: number };

export function contentAccess(
  ability: AdminAbility,
  adminId: number,
  action: string,
  uid: string,
): ContentAccess {
  const conditions = ability.conditionsFor(action, uid);
  if (conditions === undefined) return { allowed: false };
  if (conditions === null) return { allowed: true };
  if (conditions.every((alternative) => alternative.every((c) => c === IS_CREATOR)))
    return { allowed: true, createdBy: adminId };
  // An unknown condition never widens access.
  return { allowed: false };
}

/**
 * The core access scope of a content-manager action: everything, or the admin's own documents as a
 * condition on the creator column, which the core compiles into the WHERE clause of every read, count,
 * update, delete and publication (so lists and totals only ever contain the admin's documents).
 * A write that changes other documents (links owned by the other side of a relation) takes the
 * admin's update rights on those: `updateRights`.
 */
export function contentScope(
  access: ContentAccess & { allowed: true },
  ability: AdminAbility,
  adminId: number,
): AccessScope {
  if (ability.isSuperAdmin) return FULL_ACCESS;
  const updateRights = (uid: string): UpdateRights => {
    const update = contentAccess(ability, adminId, ADMIN_ACTIONS.content.update, uid);
    if (!update.allowed) return { allowed: false };
    return { allowed: true, conditions: creatorCondition(update.createdBy) };
  };
  // Without a condition the plans are those of full access (updateRights plays no part in reads).
  if (access.createdBy === undefined) return { canRead: () => true, updateRights, cacheKey: 'full' };
  // No cacheKey: plans carrying one admin's id must not be shared with others.
  return { canRead: () => true, conditions: creatorCondition(access.createdBy), updateRights };
}

function creatorCondition(createdBy: number | undefined): unknown {
  return createdBy === undefined ? undefined : { createdBy: { $eq: createdBy } };
}

/**
 * The access scope of a content-manager `action` on `uid` for an admin, or undefined when they do not
 * hold it: what the content manager's routes and scheduled actions (when scheduled, listed, cancelled
 * and carried out) check, so they decide alike.
 */
export function adminContentScope(
  ability: AdminAbility,
  adminId: number,
  action: string,
  uid: string,
): AccessScope | undefined {
  const access = contentAccess(ability, adminId, action, uid);
  return access.allowed ? contentScope(access, ability, adminId) : undefined;
}
