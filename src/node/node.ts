import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ApiTokens } from '../auth/api-tokens.js';
import { argon2Passwords } from '../auth/passwords.js';
import { JwtKeys } from '../auth/jwt.js';
import { PermissionStore } from '../auth/permissions.js';
import { Authenticator } from '../auth/principal.js';
import { bootstrapUsersPermissions } from '../auth/users-permissions/bootstrap.js';
import { Users } from '../auth/users-permissions/users.js';
import { createEmailSender } from '../auth/email.js';
import { createAdminServices, type AdminServices } from '../admin/index.js';
import { deriveKey, resolveSecret, type QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { PlanCache } from '../core/query/plan-cache.js';
import type { Schema } from '../core/schema/registry.js';
import type { Database } from '../db/types.js';
import { buildHttpApp } from '../http/app.js';
import type { Readiness } from '../http/health.js';
import { openDatabase } from './database.js';
import { seedIfEmpty } from './seed.js';

export interface QuorumNode {
  readonly config: QuorumConfig;
  readonly app: FastifyInstance;
  readonly core: CoreContext;
  readonly tokens: ApiTokens;
  readonly auth: Authenticator;
  readonly permissions: PermissionStore;
  readonly userJwt: JwtKeys;
  readonly admin: AdminServices;
  readonly database: Database;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: readiness turns red, the node keeps serving for `drainMs` so a balancer notices,
   * then stops accepting, lets in-flight requests finish and closes the database.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

const READINESS_PING_TIMEOUT_MS = 2000;

/** Composes one Quorum node from its configuration. Nothing here is global: two nodes can share a process. */
export async function createNode(
  config: QuorumConfig,
  options: { logger: Logger; env?: Record<string, string | undefined> },
): Promise<QuorumNode> {
  const { logger } = options;
  const secret = resolveSecret(config, options.env);
  const { database, sync } = await openDatabase(config, logger);
  try {
    const schema: Schema = sync.schema;
    const core: CoreContext = {
      database,
      schema: () => schema,
      limits: config.api.rest,
      plans: new PlanCache(),
      passwords: argon2Passwords,
      logger,
    };
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
    await bootstrapUsersPermissions(core, config.appDir, logger);
    const users = new Users(core, userJwt, config.auth.jwt.expiresIn);
    const email = createEmailSender(config, logger);
    const admin = createAdminServices({ config, secret, core, logger, tokens, users, auth, permissions });
    // Built-in admin roles, and the first admin from QUORUM_ADMIN_EMAIL / QUORUM_ADMIN_PASSWORD.
    await admin.accounts.bootstrap(config.admin);
    if (config.seedFile) {
      const created = await seedIfEmpty(core, config.seedFile);
      if (created)
        logger.info(
          { documents: created, file: config.seedFile },
          'loaded seed data into the empty database',
        );
    }

    let draining = false;
    const readiness: Readiness = {
      async check() {
        if (draining) return { ready: false, reason: 'draining' };
        try {
          await withTimeout(database.ping(), READINESS_PING_TIMEOUT_MS);
        } catch {
          return { ready: false, reason: 'database unreachable' };
        }
        return { ready: true };
      },
    };
    const app = await buildHttpApp({
      config,
      logger,
      core,
      tokens,
      auth,
      permissions,
      userJwt,
      users,
      email,
      readiness,
      admin,
    });

    return {
      config,
      app,
      core,
      tokens,
      auth,
      permissions,
      userJwt,
      admin,
      database,
      async listen() {
        return app.listen({ port: config.server.port, host: config.server.host });
      },
      async stop(stopOptions = {}) {
        draining = true;
        const drainMs = stopOptions.drainMs ?? config.server.drainMs;
        if (drainMs > 0 && app.server.listening) await new Promise((resolve) => setTimeout(resolve, drainMs));
        await app.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
