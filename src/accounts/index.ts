import type { Logger } from 'pino';
import type { ApiTokens } from '../auth/api-tokens.js';
import { JwtKeys } from '../auth/jwt.js';
import type { PermissionStore } from '../auth/permissions.js';
import type { Authenticator } from '../auth/principal.js';
import type { Users } from '../auth/users-permissions/users.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { AdminAccounts } from './accounts.js';
import { AdminApiTokens } from './api-tokens.js';
import { EndUserRoles } from './end-user-roles.js';
import { EndUsers } from './end-users.js';
import { AdminRoles } from './roles.js';
import { AdminSessions } from './sessions.js';
import { AdminUsers } from './users.js';

export type { AdminPrincipal } from './accounts.js';

/** Everything the admin API works with, for one node. */
export interface AdminServices {
  readonly accounts: AdminAccounts;
  readonly users: AdminUsers;
  readonly roles: AdminRoles;
  readonly apiTokens: AdminApiTokens;
  readonly endUserRoles: EndUserRoles;
  readonly endUsers: EndUsers;
}

export function createAdminServices(deps: {
  config: QuorumConfig;
  secret: string;
  core: CoreContext;
  logger: Logger;
  tokens: ApiTokens;
  users: Users;
  auth: Authenticator;
  permissions: PermissionStore;
}): AdminServices {
  const { config, core } = deps;
  // Admin access tokens have their own signing key (and key versions follow the user JWTs'), so an
  // end user's JWT never opens the admin API and an admin token never opens the content API.
  const jwt = new JwtKeys(deps.secret, 'admin-jwt-signing', {
    currentVersion: config.auth.jwt.keyVersion,
    acceptedVersions: config.auth.jwt.acceptedKeyVersions,
  });
  const expiresIn = config.auth.admin.accessTokenExpiresIn;
  const sessions = new AdminSessions(core.database.db, jwt, {
    // A bare number in the configuration is seconds (jose would read it as an absolute time).
    accessTokenExpiresIn: typeof expiresIn === 'number' ? `${expiresIn}s` : expiresIn,
    refreshTokenDays: config.auth.admin.refreshTokenDays,
  });
  const users = new AdminUsers(core.database);
  const roles = new AdminRoles(core.database, core.schema);
  return {
    accounts: new AdminAccounts(core, users, roles, sessions, deps.logger),
    users,
    roles,
    apiTokens: new AdminApiTokens(core.database.db, deps.tokens, core.schema),
    endUserRoles: new EndUserRoles(core, deps.users, deps.permissions, deps.auth),
    endUsers: new EndUsers(core, deps.users, deps.auth),
  };
}
