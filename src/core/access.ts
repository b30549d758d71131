/**
 * What the caller of a core operation may see, decided above the core (auth/) and passed in. The core
 * turns it into SQL: conditions become part of the WHERE clause of reads, updates and deletes (never
 * a filter applied after fetching), and relations to types the caller may not read vanish from output
 * and are refused in filters, sorts and bodies.
 */
/**
 * Whether, and under which conditions, a caller may update documents of a type: what its `update`
 * grant says (`conditions` undefined: every document).
 */
export type UpdateRights =
  { readonly allowed: false } | { readonly allowed: true; readonly conditions?: unknown };

export interface AccessScope {
  /**
   * A Strapi filters object (variables already substituted) that every document the caller touches
   * must match; undefined when the permission has no condition.
   */
  readonly conditions?: unknown;
  /** May the caller read documents of `uid` (through relations)? Components are always readable. */
  canRead(uid: string): boolean;
  /**
   * The conditions of the caller's `find` grant on `uid` (a Strapi filters object), applied wherever
   * documents of that type are reached through relations: populate, counts, deep filters.
   */
  readConditions?(uid: string): unknown;
  /**
   * The caller's update rights on `uid`, for writes that change documents other than the one they
   * address: links owned by the other side of a relation, files attached to an entry, a file entries
   * use. Absent: every document of every type (in-process callers, full-access tokens).
   */
  updateRights?(uid: string): UpdateRights;
  /**
   * Identifies what this scope allows (role and permission version) so compiled plans can be shared by
   * callers with the same rights; undefined disables plan caching (per-user conditions).
   */
  readonly cacheKey?: string;
}

/** Everything allowed: in-process callers (seeding, the CLI, admin operations that checked rights already). */
export const FULL_ACCESS: AccessScope = Object.freeze({ canRead: () => true, cacheKey: 'full' });
