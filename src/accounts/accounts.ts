import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../core/errors.js';
import { isEmail } from '../core/values.js';
import { withSchemaLock } from '../db/lock.js';
import type { Executor } from '../db/types.js';
import type { LoginGuard } from '../auth/brute-force.js';
import type { AccessScope } from '../core/access.js';
import { AdminAbility, adminContentScope } from './ability.js';
import { ADMIN_ACTIONS, SUPER_ADMIN_CODE } from './actions.js';
import { checkPassword, passwordProblem } from './password-policy.js';
import { requireHeld } from './privileges.js';
import type { AdminRoles } from './roles.js';
import type { AdminSessions, AdminTokens } from './sessions.js';
import type { AdminUserChanges, AdminUsers, AdminUserView } from './users.js';

/** The admin behind a request. */
export interface AdminPrincipal {
  readonly user: AdminUserView;
  /** The session family of the access token (logout ends it). */
  readonly family: string;
  readonly ability: AdminAbility;
}

export interface NewAdmin {
  readonly email: string;
  readonly password: string;
  readonly firstname?: string | null;
  readonly lastname?: string | null;
  readonly isActive?: boolean;
  readonly roleIds: readonly number[];
}

export interface AdminChanges extends Omit<AdminUserChanges, 'passwordHash'> {
  readonly password?: string;
}

const INVALID_CREDENTIALS = 'Invalid credentials';

/**
 * Admin accounts: the first admin, login and sessions, and account management. Changes to accounts run
 * under the schema lock, which serializes them across the cluster: "one first admin" and "at least one
 * active super admin remains" hold even when two requests race on different nodes.
 */
export class AdminAccounts {
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly core: CoreContext,
    private readonly users: AdminUsers,
    private readonly roles: AdminRoles,
    private readonly sessions: AdminSessions,
    private readonly logger: Logger,
  ) {}

  async hasAdmin(): Promise<boolean> {
    return (await this.users.count()) > 0;
  }

  /**
   * At start, under the schema lock (so nodes starting together do it once): the built-in roles exist,
   * and when no admin exists and QUORUM_ADMIN_EMAIL / QUORUM_ADMIN_PASSWORD are set, that admin is
   * created as super admin.
   */
  async bootstrap(firstAdmin?: { email: string; password: string }): Promise<void> {
    let passwordHash: string | undefined;
    if (firstAdmin && !(await this.hasAdmin())) {
      if (!isEmail(firstAdmin.email)) throw new ConfigError('QUORUM_ADMIN_EMAIL must be an email address');
      const problem = passwordProblem(firstAdmin.password);
      if (problem) throw new ConfigError(`QUORUM_ADMIN_PASSWORD is refused: ${problem}`);
      passwordHash = await this.core.passwords.hash(firstAdmin.password);
    }
    await withSchemaLock(this.core.database, async (trx) => {
      const seeded = await this.roles.seedBuiltIns(trx);
      if (seeded.length) this.logger.info({ roles: seeded }, 'created the built-in admin roles');
      if (!firstAdmin || !passwordHash || (await this.users.count(trx)) > 0) return;
      const id = await this.#createSuperAdmin(trx, { ...firstAdmin, passwordHash });
      this.logger.info(
        { adminId: id, email: firstAdmin.email.toLowerCase() },
        'created the first admin from QUORUM_ADMIN_EMAIL',
      );
    });
  }

  /** The one-time setup: only while no admin exists (403 afterwards). Logs the new admin in. */
  async registerFirstAdmin(input: {
    email: string;
    password: string;
    firstname?: string | null;
    lastname?: string | null;
  }): Promise<{ tokens: AdminTokens; user: AdminUserView }> {
    if (await this.hasAdmin()) throw alreadySetUp();
    checkEmail(input.email);
    checkPassword(input.password);
    const passwordHash = await this.core.passwords.hash(input.password);
    const id = await withSchemaLock(this.core.database, async (trx) => {
      if ((await this.users.count(trx)) > 0) throw alreadySetUp();
      return this.#createSuperAdmin(trx, { ...input, passwordHash });
    });
    this.logger.info({ adminId: id }, 'registered the first admin');
    return { tokens: await this.sessions.start(id), user: await this.users.view(id) };
  }

  async #createSuperAdmin(
    trx: Executor,
    input: { email: string; passwordHash: string; firstname?: string | null; lastname?: string | null },
  ): Promise<number> {
    const roleId = await this.roles.idOfCode(SUPER_ADMIN_CODE, trx);
    if (roleId === undefined) throw new Error('the super admin role is missing (it is created at start)');
    return this.users.create(trx, { ...input, roleIds: [roleId] });
  }

  /** Wrong email or password: 400 "Invalid credentials"; a blocked or inactive account: 401. */
  async login(email: string, password: string): Promise<{ tokens: AdminTokens; user: AdminUserView }> {
    const account = await this.users.credentials(email);
    if (!account) {
      // An unknown email costs a hash verification too, so timing does not tell which emails exist.
      await this.core.passwords.verify(await this.#dummy(), password);
      throw new ValidationError(INVALID_CREDENTIALS, undefined, 'QUORUM_INVALID_CREDENTIALS');
    }
    if (!(await this.core.passwords.verify(account.passwordHash, password)))
      throw new ValidationError(INVALID_CREDENTIALS, undefined, 'QUORUM_INVALID_CREDENTIALS');
    if (account.blocked) throw new UnauthorizedError('Your account has been blocked');
    if (!account.isActive) throw new UnauthorizedError('Your account is not active');
    // A bcrypt hash (an account moved from Strapi) becomes argon2id at its first successful login.
    if (this.core.passwords.needsRehash(account.passwordHash)) {
      const upgraded = await this.core.passwords.hash(password);
      await this.users.replacePasswordHash(account.id, account.passwordHash, upgraded);
    }
    return { tokens: await this.sessions.start(account.id), user: await this.users.view(account.id) };
  }

  async refresh(refreshToken: string): Promise<AdminTokens> {
    const { tokens } = await this.sessions.rotate(refreshToken, async (userId) => {
      const account = await this.users.credentialsById(userId);
      return account !== undefined && account.isActive && !account.blocked;
    });
    return tokens;
  }

  /** Ends the request's session (and the session of `refreshToken`, when it is the same admin's). */
  async logout(principal: AdminPrincipal, refreshToken?: string): Promise<void> {
    await this.sessions.revokeFamily(principal.family);
    if (refreshToken) {
      const family = await this.sessions.familyOf(refreshToken, principal.user.id);
      if (family) await this.sessions.revokeFamily(family);
    }
  }

  /** The admin a bearer access token speaks for; 401 for anything else. */
  async authenticate(header: string | undefined): Promise<AdminPrincipal> {
    const parts = (header ?? '').trim().split(/\s+/);
    if (parts.length !== 2 || parts[0].toLowerCase() !== 'bearer' || parts[1].length > 4096)
      throw new UnauthorizedError();
    const claims = await this.sessions.verify(parts[1]);
    if (!claims) throw new UnauthorizedError();
    const found = await this.#active(claims.userId);
    if (!found) throw new UnauthorizedError();
    return { ...found, family: claims.family };
  }

  /**
   * What an admin may do now, without a session: for work done on their behalf later (a scheduled
   * action when it runs). Undefined when the account is gone, blocked or inactive — as for a request.
   */
  async abilityOf(adminId: number): Promise<AdminAbility | undefined> {
    return (await this.#active(adminId))?.ability;
  }

  /** The admin's content-manager scope of `action` on `uid` now (adminContentScope), if they hold it. */
  async contentScopeOf(adminId: number, action: string, uid: string): Promise<AccessScope | undefined> {
    const ability = await this.abilityOf(adminId);
    return ability && adminContentScope(ability, adminId, action, uid);
  }

  async #active(adminId: number): Promise<{ user: AdminUserView; ability: AdminAbility } | undefined> {
    const account = await this.users.credentialsById(adminId);
    if (!account || account.blocked || !account.isActive) return undefined;
    const user = await this.users.view(account.id);
    const permissions = await this.roles.permissions(user.roles.map((role) => role.id));
    return { user, ability: new AdminAbility(isSuperAdmin(user), permissions) };
  }

  /** A new admin, created by `actor`, who may only grant roles whose permissions they hold. */
  async create(actor: AdminPrincipal, input: NewAdmin): Promise<AdminUserView> {
    if (input.roleIds.length === 0) throw fieldError('roles', 'roles must have at least one role');
    checkEmail(input.email);
    checkPassword(input.password);
    const passwordHash = await this.core.passwords.hash(input.password);
    const id = await withSchemaLock(this.core.database, async (trx) => {
      await this.#checkGrantable(actor, input.roleIds, trx);
      return this.users.create(trx, { ...input, passwordHash });
    });
    return this.users.view(id);
  }

  /**
   * Changes an account, as `actor` (see `#checkChange` for who may change what). One's own email and
   * password change only through `updateSelf`, which asks for the current password: an access token
   * alone (a stolen one) must not be enough to take the account over.
   */
  async update(actor: AdminPrincipal, id: number, changes: AdminChanges): Promise<AdminUserView> {
    if (id === actor.user.id && (changes.email !== undefined || changes.password !== undefined))
      throw new ForbiddenError(
        'Change your own email or password with PUT /admin/api/users/me, which needs your current password',
      );
    return this.#apply(actor, id, changes);
  }

  /**
   * Blocking, deactivating or a new password end the account's sessions (but `keepFamily`, the caller's
   * own when they change their own password). At least one active super admin must remain.
   */
  async #apply(
    actor: AdminPrincipal,
    id: number,
    changes: AdminChanges,
    keepFamily?: string,
  ): Promise<AdminUserView> {
    if (changes.roleIds !== undefined && changes.roleIds.length === 0)
      throw fieldError('roles', 'roles must have at least one role');
    const { password, ...rest } = changes;
    if (rest.email !== undefined) checkEmail(rest.email);
    if (password !== undefined) checkPassword(password);
    const passwordHash = password === undefined ? undefined : await this.core.passwords.hash(password);
    await withSchemaLock(this.core.database, async (trx) => {
      await this.#checkChange(actor, await this.users.view(id, trx), changes, trx);
      await this.users.update(trx, id, { ...rest, passwordHash });
      const endsSessions =
        changes.blocked === true || changes.isActive === false || passwordHash !== undefined;
      if (endsSessions) await this.sessions.revokeUser(id, keepFamily, trx);
      await this.#superAdminRemains(trx);
    });
    return this.users.view(id);
  }

  /** Deletes an account; a super admin only by a super admin, and never the last active one. */
  async remove(actor: AdminPrincipal, id: number): Promise<AdminUserView> {
    return withSchemaLock(this.core.database, async (trx) => {
      const user = await this.users.view(id, trx);
      if (isSuperAdmin(user) && !actor.ability.isSuperAdmin) throw superAdminsOnly();
      await this.users.remove(trx, id);
      await this.#superAdminRemains(trx);
      return user;
    });
  }

  /**
   * Who may change whom (Quorum's rules; Strapi's community edition lets anyone holding
   * `admin::users.update` do all of this):
   * - a super admin only by a super admin (their password is the keys to everything);
   * - another admin's email or password only by an admin who holds every permission of theirs, since
   *   whoever sets a password can log in as that admin;
   * - one's own roles only with `admin::roles.update` as well;
   * - roles added only when the actor holds all their permissions (the super admin role: super admins).
   * Runs under the schema lock, so the target's roles cannot change between the check and the write.
   */
  async #checkChange(
    actor: AdminPrincipal,
    target: AdminUserView,
    changes: AdminChanges,
    trx: Executor,
  ): Promise<void> {
    if (actor.ability.isSuperAdmin) return;
    if (isSuperAdmin(target)) throw superAdminsOnly();
    const self = target.id === actor.user.id;
    if (!self && (changes.email !== undefined || changes.password !== undefined)) {
      const theirs = await this.roles.permissions(
        target.roles.map((role) => role.id),
        trx,
      );
      requireHeld(actor.ability, theirs, "You may not change this admin's email or password");
    }
    if (changes.roleIds === undefined) return;
    const current = new Set(target.roles.map((role) => role.id));
    const wanted = new Set(changes.roleIds);
    const added = [...wanted].filter((roleId) => !current.has(roleId));
    const changed = added.length > 0 || [...current].some((roleId) => !wanted.has(roleId));
    await this.#checkGrantable(actor, added, trx);
    if (self && changed && !actor.ability.can(ADMIN_ACTIONS.roles.update))
      throw new ForbiddenError(`Changing your own roles needs ${ADMIN_ACTIONS.roles.update}`);
  }

  /** 403 unless `actor` may grant every role of `roleIds` (unknown ids are left to the 400 of users.ts). */
  async #checkGrantable(actor: AdminPrincipal, roleIds: readonly number[], trx: Executor): Promise<void> {
    if (actor.ability.isSuperAdmin || roleIds.length === 0) return;
    const roles = (await this.roles.list(trx)).filter((role) => roleIds.includes(role.id));
    if (roles.some((role) => role.code === SUPER_ADMIN_CODE))
      throw new ForbiddenError('Only super admins may grant the Super Admin role');
    for (const role of roles)
      requireHeld(
        actor.ability,
        await this.roles.permissions([role.id], trx),
        `You may not grant the role "${role.name}"`,
      );
  }

  /**
   * Own profile: changing the email or password needs the current password. Checking it answers a
   * password guess, so it goes through `attempt.guard` like a login of the account (same identifier,
   * so guesses here and at the login count together, and a locked account is locked here too).
   */
  async updateSelf(
    principal: AdminPrincipal,
    changes: {
      email?: string;
      firstname?: string | null;
      lastname?: string | null;
      password?: string;
      currentPassword?: string;
    },
    attempt: { guard: LoginGuard; address: string },
  ): Promise<AdminUserView> {
    const { currentPassword, ...rest } = changes;
    if (rest.password !== undefined || rest.email !== undefined) {
      if (currentPassword === undefined) throw invalidCurrentPassword();
      const ticket = await attempt.guard.begin({
        identifier: `admin:${principal.user.email}`,
        address: attempt.address,
      });
      const account = await this.users.credentialsById(principal.user.id);
      const valid =
        account !== undefined && (await this.core.passwords.verify(account.passwordHash, currentPassword));
      if (!valid) {
        await ticket.failed();
        throw invalidCurrentPassword();
      }
      await ticket.succeeded();
    }
    return this.#apply(principal, principal.user.id, rest, principal.family);
  }

  async #superAdminRemains(trx: Executor): Promise<void> {
    if ((await this.users.activeSuperAdmins(trx)) === 0)
      throw new ValidationError('At least one active super admin must remain');
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.core.passwords.hash(randomBytes(16).toString('hex'));
    return this.#dummyHash;
  }
}

function alreadySetUp(): ForbiddenError {
  return new ForbiddenError('An admin already exists: log in instead');
}

function superAdminsOnly(): ForbiddenError {
  return new ForbiddenError('Only super admins may change or delete a super admin');
}

function isSuperAdmin(user: AdminUserView): boolean {
  return user.roles.some((role) => role.code === SUPER_ADMIN_CODE);
}

function invalidCurrentPassword(): ValidationError {
  return fieldError('currentPassword', 'The current password is invalid');
}

function checkEmail(email: string): void {
  if (!isEmail(email)) throw fieldError('email', 'email must be a valid email');
}

function fieldError(key: string, message: string): ValidationError {
  return new ValidationError(message, { errors: [{ path: [key], message, name: 'ValidationError' }] });
}
