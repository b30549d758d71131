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
import { closeWithin, stopKeepingAlive } from '../http/shutdown.js';
import { observeDatabase } from '../observability/db-metrics.js';
import { NodeMetrics } from '../observability/metrics.js';
import type { Readiness } from '../http/health.js';
import { openDatabase } from './database.js';
import { seedIfEmpty } from './seed.js';
import { CountCache } from '../core/query/count-cache.js';
import { ResponseCache } from '../cache/response-cache.js';
import { hostname } from 'node:os';
import { ClusterRuntime, TOPICS, type ChangeCause } from './cluster.js';
import { changeSchemaAtRuntime, type RuntimeChange } from '../core/schema/runtime.js';
import { loadStoredSchema, readSchemaVersion } from '../core/schema/store.js';
import type { SyncResult } from '../core/schema/sync.js';
import { withCommitSignal } from '../workers/outbox/commit-signal.js';
import { createWebhookRuntime, type WebhookRuntime } from '../workers/webhooks/index.js';
import { MediaLibrary } from '../media/library.js';
import { MediaOrphanCleanup } from '../workers/media-orphans.js';
import { withTimeout } from '../lib/with-timeout.js';

export interface QuorumNode {
  readonly config: QuorumConfig;
  readonly app: FastifyInstance;
  readonly core: CoreContext;
  readonly tokens: ApiTokens;
  readonly auth: Authenticator;
  readonly permissions: PermissionStore;
  readonly userJwt: JwtKeys;
  readonly admin: AdminServices;
  readonly cluster: ClusterRuntime;
  readonly database: Database;
  /** This node's Prometheus registry (served at GET /metrics). */
  readonly metrics: NodeMetrics;
  /** The outbox dispatcher, webhook delivery worker and housekeeping of this node. */
  readonly webhooks: WebhookRuntime;
  /** The media library and the leader's cleanup of orphaned files. */
  readonly media: MediaLibrary;
  readonly mediaOrphans: MediaOrphanCleanup;
  /** Applies a content-type builder change and makes it live on every node. */
  changeSchema(
    change: RuntimeChange,
    options?: { allowDestructive?: boolean; dryRun?: boolean; requestId?: string },
  ): Promise<SyncResult>;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: readiness turns red, the node keeps serving for `drainMs` so a balancer notices,
   * then stops accepting, lets in-flight requests finish, hands over its leases, deregisters, closes the
   * bus and the database.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

const READINESS_PING_TIMEOUT_MS = 2000;
/** After the drain, how long in-flight requests may take before their connections are cut. */
const IN_FLIGHT_GRACE_MS = 5000;
/**
 * Writes are announced at most this often: a burst of writes costs one bus message. It is also most of
 * how long another node's cached answer can lag a write (bench:cluster measures it), so it stays short.
 */
const CONTENT_ANNOUNCE_MS = 10;

/** Composes one Quorum node from its configuration. Nothing here is global: two nodes can share a process. */
export async function createNode(
  config: QuorumConfig,
  options: { logger: Logger; env?: Record<string, string | undefined> },
): Promise<QuorumNode> {
  const { logger } = options;
  const secret = resolveSecret(config, options.env);
  const opened = await openDatabase(config, logger);
  const { sync } = opened;
  // Transactions that commit outbox events wake this node's dispatcher at once.
  const commits = withCommitSignal(opened.database);
  const { database } = commits;
  try {
    let schema: Schema = sync.schema;
    const metrics = new NodeMetrics();
    observeDatabase(metrics, database);
    // Writes retire cached totals and answers here at once and, announced (coalesced) on the bus, on
    // other nodes.
    const responses = responseCache(config);
    let announceContentChange: (uids: readonly string[]) => void = () => {};
    const core: CoreContext = {
      database,
      schema: () => schema,
      limits: config.api.rest,
      plans: new PlanCache(),
      passwords: argon2Passwords,
      logger,
      counts: new CountCache(config.api.rest.countCacheTtlMs),
      onContentChanged: (uids) => {
        responses?.changed(uids);
        announceContentChange(uids);
      },
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

    // What to do when another node announces a change (also run after a bus reconnect and on the
    // periodic resync, since bus messages can be missed).
    const reloadSchema = async () => {
      const version = await readSchemaVersion(database.db);
      if (version === schema.version) return;
      schema = await loadStoredSchema(database.db, database.dialect);
      logger.info({ version: schema.version }, 'schema reloaded');
    };
    const cluster = new ClusterRuntime({
      config,
      core,
      logger,
      handlers: {
        [TOPICS.schema]: reloadSchema,
        [TOPICS.permissions]: () => permissions.forget(),
        [TOPICS.tokens]: () => tokens.forget(),
        [TOPICS.users]: () => auth.clearUsers(),
        [TOPICS.content]: (cause) => {
          core.counts?.changed();
          if (responses) retireAnswers(responses, cause);
        },
      },
      onBusLatency: (ms) => metrics.observeBusLatency(ms),
    });
    await cluster.start();
    Object.assign(metrics.sources, {
      isLeader: () => cluster.leader.isLeader,
      schemaVersion: () => schema.version,
      plans: () => core.plans,
      responses: responses && (() => ({ ...responses.stats, bytes: responses.size.bytes })),
    });
    const webhooks = createWebhookRuntime({
      config,
      database,
      onOutboxCommit: commits.onOutboxCommit,
      secret,
      nodeId: cluster.nodeId,
      leases: cluster.leases,
      leader: cluster.leader,
      logger,
    });
    const media = new MediaLibrary(core, config, logger);
    const mediaOrphans = new MediaOrphanCleanup({
      media,
      leases: cluster.leases,
      leader: cluster.leader,
      graceMs: config.upload.orphanGraceMs,
      intervalMs: config.upload.orphanSweepMs,
      logger,
    });
    const written = new Set<string>();
    const announceWritten = coalesce(() => {
      const uids = [...written];
      written.clear();
      void cluster.publish(TOPICS.content, { uids });
    }, CONTENT_ANNOUNCE_MS);
    announceContentChange = (uids) => {
      for (const uid of uids) written.add(uid);
      announceWritten();
    };
    // Changes made on this node are announced to the others.
    permissions.changes.add(() => void cluster.publish(TOPICS.permissions));
    tokens.changes.add(() => void cluster.publish(TOPICS.tokens));
    auth.userChanges.add(() => void cluster.publish(TOPICS.users));

    const changeSchema: QuorumNode['changeSchema'] = async (change, changeOptions = {}) => {
      // On PostgreSQL the announcement is part of the transaction: other nodes hear of it only if it commits.
      const inTransaction = cluster.bus.kind === 'postgres';
      const { requestId } = changeOptions;
      const result = await changeSchemaAtRuntime(database, change, {
        ...changeOptions,
        afterApply: inTransaction
          ? (trx, applied) =>
              cluster.bus.publish(TOPICS.schema, { version: applied.schema.version }, { trx, requestId })
          : undefined,
      });
      if (!changeOptions.dryRun && result.changed) {
        schema = result.schema;
        if (!inTransaction)
          await cluster.publish(TOPICS.schema, { version: result.schema.version }, { requestId });
      }
      return result;
    };
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
      cluster,
      changeSchema: (change, changeOptions) => changeSchema(change, changeOptions),
      metrics,
      webhooks: webhooks.store,
      media,
      responses,
    });

    webhooks.start();
    mediaOrphans.start();
    return {
      config,
      app,
      core,
      tokens,
      auth,
      permissions,
      userJwt,
      admin,
      cluster,
      database,
      webhooks,
      media,
      mediaOrphans,
      metrics,
      changeSchema,
      async listen() {
        const url = await app.listen({ port: config.server.port, host: config.server.host });
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : config.server.port;
        await cluster.register({ host: hostname(), port });
        return url;
      },
      async stop(stopOptions = {}) {
        draining = true;
        const drainMs = stopOptions.drainMs ?? config.server.drainMs;
        if (app.server.listening) stopKeepingAlive(app.server);
        if (drainMs > 0 && app.server.listening) await new Promise((resolve) => setTimeout(resolve, drainMs));
        await closeWithin(app, IN_FLIGHT_GRACE_MS);
        // In-flight deliveries get webhooks.stopTimeoutMs; the rest go back to the queue for other nodes.
        await webhooks.stop();
        await mediaOrphans.stop();
        media.close();
        await cluster.stop();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** The node's response cache, or undefined when it is off (by default it is on with SQLite only). */
function responseCache(config: QuorumConfig): ResponseCache | undefined {
  const { enabled, ttlMs, maxMb } = config.cache.responses;
  if (!(enabled ?? config.database.kind === 'sqlite')) return undefined;
  return new ResponseCache({ ttlMs, maxBytes: maxMb * 1024 * 1024 });
}

/**
 * Another node wrote content: its announcement names the types written. A periodic resync has nothing
 * to say about answers (their TTL bounds what a lost message can leave behind); after a bus reconnect,
 * or an announcement without types, anything may have changed.
 */
function retireAnswers(responses: ResponseCache, cause: ChangeCause): void {
  if (cause.kind === 'resync') return;
  const uids = cause.kind === 'message' ? announcedTypes(cause.payload) : undefined;
  if (uids) responses.changed(uids);
  else responses.changedAll();
}

function announcedTypes(payload: unknown): string[] | undefined {
  const uids = (payload as { uids?: unknown } | null)?.uids;
  return Array.isArray(uids) && uids.every((uid) => typeof uid === 'string') ? uids : undefined;
}

/** Runs `fn` at most once per `ms`, at the end of the window (trailing), whatever the number of calls. */
function coalesce(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
    timer.unref();
  };
}
