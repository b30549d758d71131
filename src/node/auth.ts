import { ApiTokens } from '../auth/api-tokens.js';
import { JwtKeys } from '../auth/jwt.js';
import { PermissionStore } from '../auth/permissions.js';
import { Authenticator } from '../auth/principal.js';
import { deriveKey, type QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';

/** Who a request comes from and what they may do: API tokens, end-user JWTs, role permissions. */
export interface NodeAuth {
  readonly tokens: ApiTokens;
  readonly userJwt: JwtKeys;
  readonly permissions: PermissionStore;
  readonly auth: Authenticator;
}

export function buildAuth(config: QuorumConfig, secret: string, core: CoreContext): NodeAuth {
  const { database, logger } = core;
  const tokens = new ApiTokens(database.db, deriveKey(secret, 'api-token-hmac'), {
    cacheTtlMs: config.auth.tokenCacheTtlMs,
    logger,
  });
  const userJwt = new JwtKeys(secret, 'jwt-signing', {
    currentVersion: config.auth.jwt.keyVersion,
    acceptedVersions: config.auth.jwt.acceptedKeyVersions,
  });
  const permissions = new PermissionStore(database.db, core.schema, {
    ttlMs: config.auth.permissionCacheTtlMs,
    logger,
  });
  const auth = new Authenticator({
    db: database.db,
    schema: core.schema,
    tokens,
    jwt: userJwt,
    permissions,
    requireConfirmed: () => config.usersPermissions.emailConfirmation,
    cacheTtlMs: config.auth.permissionCacheTtlMs,
  });
  return { tokens, userJwt, permissions, auth };
}
