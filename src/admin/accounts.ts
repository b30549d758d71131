import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../core/errors.js';
import { isEmail } from '../core/values.js';
import { withSchemaLock } from '../db/lock.js';
import type { Executor } from '../db/types.js';
import { AdminAbility } from './ability.js';
import { SUPER_ADMIN_CODE } from './actions.js';
import { checkPassword, passwordProblem } from './password-policy.js';
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
      throw new ValidationError(INVALID_CREDENTIALS);
    }
    if (!(await this.core.passwords.verify(account.passwordHash, password)))
      throw new ValidationError(INVALID_CREDENTIALS);
    if (account.blocked) throw new UnauthorizedError('Your account has been blocked');
    if (!account.isActive) throw new UnauthorizedError('Your account is not active');
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
    const account = await this.users.credentialsById(claims.userId);
    if (!account || account.blocked || !account.isActive) throw new UnauthorizedError();
    const user = await this.users.view(account.id);
    const permissions = await this.roles.permissions(user.roles.map((role) => role.id));
    const ability = new AdminAbility(
      user.roles.some((role) => role.code === SUPER_ADMIN_CODE),
      permissions,
    );
    return { user, family: claims.family, ability };
  }

  async create(input: NewAdmin): Promise<AdminUserView> {
    if (input.roleIds.length === 0) throw fieldError('roles', 'roles must have at least one role');
    checkEmail(input.email);
    checkPassword(input.password);
    const passwordHash = await this.core.passwords.hash(input.password);
    const id = await withSchemaLock(this.core.database, (trx) =>
      this.users.create(trx, { ...input, passwordHash }),
    );
    return this.users.view(id);
  }

  /**
   * Changes an account. Blocking, deactivating or a new password end the account's sessions (but
   * `keepFamily`, the caller's own when they change their own password). At least one active super
   * admin must remain.
   */
  async update(id: number, changes: AdminChanges, keepFamily?: string): Promise<AdminUserView> {
    if (changes.roleIds !== undefined && changes.roleIds.length === 0)
      throw fieldError('roles', 'roles must have at least one role');
    const { password, ...rest } = changes;
    if (rest.email !== undefined) checkEmail(rest.email);
    if (password !== undefined) checkPassword(password);
    const passwordHash = password === undefined ? undefined : await this.core.passwords.hash(password);
    await withSchemaLock(this.core.database, async (trx) => {
      await this.users.update(trx, id, { ...rest, passwordHash });
      const endsSessions =
        changes.blocked === true || changes.isActive === false || passwordHash !== undefined;
      if (endsSessions) await this.sessions.revokeUser(id, keepFamily, trx);
      await this.#superAdminRemains(trx);
    });
    return this.users.view(id);
  }

  async remove(id: number): Promise<AdminUserView> {
    return withSchemaLock(this.core.database, async (trx) => {
      const user = await this.users.view(id, trx);
      await this.users.remove(trx, id);
      await this.#superAdminRemains(trx);
      return user;
    });
  }

  /** Own profile: changing the email or password needs the current password. */
  async updateSelf(
    principal: AdminPrincipal,
    changes: {
      email?: string;
      firstname?: string | null;
      lastname?: string | null;
      password?: string;
      currentPassword?: string;
    },
  ): Promise<AdminUserView> {
    const { currentPassword, ...rest } = changes;
    if (rest.password !== undefined || rest.email !== undefined) {
      const account = await this.users.credentialsById(principal.user.id);
      const valid =
        account !== undefined &&
        currentPassword !== undefined &&
        (await this.core.passwords.verify(account.passwordHash, currentPassword));
      if (!valid) throw fieldError('currentPassword', 'The current password is invalid');
    }
    return this.update(principal.user.id, rest, principal.family);
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

function checkEmail(email: string): void {
  if (!isEmail(email)) throw fieldError('email', 'email must be a valid email');
}

function fieldError(key: string, message: string): ValidationError {
  return new ValidationError(message, { errors: [{ path: [key], message, name: 'ValidationError' }] });
}
