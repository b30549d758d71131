import { bootstrapUsersPermissions } from '../auth/users-permissions/bootstrap.js';
import { emailLinks, UsersPermissionsEmails } from '../auth/users-permissions/emails.js';
import { Users } from '../auth/users-permissions/users.js';
import { createAdminServices, type AdminServices } from '../accounts/index.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import type { NodeAuth } from './auth.js';

/** End users (Users & Permissions) and admin accounts, with what they need in the database at start. */
export interface NodeAccounts {
  readonly users: Users;
  /** Queues the Users & Permissions emails (the email worker sends them). */
  readonly emails: UsersPermissionsEmails;
  readonly admin: AdminServices;
}

/**
 * The built-in end-user roles and permission files, then the built-in admin roles and the first admin
 * from QUORUM_ADMIN_EMAIL / QUORUM_ADMIN_PASSWORD (each once per cluster, under the schema lock).
 */
export async function buildAccounts(
  config: QuorumConfig,
  secret: string,
  core: CoreContext,
  { tokens, userJwt, permissions, auth }: NodeAuth,
): Promise<NodeAccounts> {
  const { database, logger } = core;
  await bootstrapUsersPermissions(core, config.appDir, logger);
  const users = new Users(core, userJwt, config.auth.jwt.expiresIn);
  const emails = new UsersPermissionsEmails(database, users, emailLinks(config));
  const admin = createAdminServices({ config, secret, core, logger, tokens, users, auth, permissions });
  // Built-in admin roles, and the first admin from QUORUM_ADMIN_EMAIL / QUORUM_ADMIN_PASSWORD.
  await admin.accounts.bootstrap(config.admin);
  return { users, emails, admin };
}
