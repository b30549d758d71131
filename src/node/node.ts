import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AdminServices } from '../accounts/index.js';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { JwtKeys } from '../auth/jwt.js';
import type { PermissionStore } from '../auth/permissions.js';
import type { Authenticator } from '../auth/principal.js';
import { resolveSecret, type QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import type { LocaleStore } from '../core/locales/store.js';
import type { RuntimeChange } from '../core/schema/runtime.js';
import type { SyncResult } from '../core/schema/sync.js';
import type { Database } from '../db/types.js';
import { buildHttpApp } from '../http/app.js';
import type { MediaLibrary } from '../media/library.js';
import type { NodeMetrics } from '../observability/metrics.js';
import type { EmailWorker } from '../workers/email/worker.js';
import type { MediaOrphanCleanup } from '../workers/media-orphans.js';
import { withCommitSignal } from '../workers/outbox/commit-signal.js';
import type { WebhookRuntime } from '../workers/webhooks/index.js';
import { buildAccounts } from './accounts.js';
import { announceChanges } from './announcements.js';
import { buildAuth } from './auth.js';
import { buildBackgroundWork } from './background-work.js';
import type { ClusterRuntime } from './cluster.js';
import { buildContentCore } from './content-core.js';
import { openDatabase } from './database.js';
import { buildLocales } from './locales.js';
import { buildMetrics, reportNodeState } from './metrics.js';
import { buildReadiness } from './readiness.js';
import { buildSchemaChanger } from './schema-changer.js';
import { seedIfEmpty } from './seed.js';
import { StartedParts } from './started-parts.js';
import { warnAboutStrapiPartsNotRun } from './strapi-project-warnings.js';
import { startCluster } from './start-cluster.js';
import { stopNode } from './stop.js';

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
  /** Sends the emails queued in the outbox (reset password, confirm address). */
  readonly emails: EmailWorker;
  /** The media library and the leader's cleanup of orphaned files. */
  readonly media: MediaLibrary;
  readonly mediaOrphans: MediaOrphanCleanup;
  /** The i18n locales (admin API, GET /api/i18n/locales). */
  readonly locales: LocaleStore;
  /** Applies a content-type builder change and makes it live on every node. */
  changeSchema(
    change: RuntimeChange,
    options?: { allowDestructive?: boolean; dryRun?: boolean; requestId?: string },
  ): Promise<SyncResult>;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: readiness turns red, the node keeps serving for `drainMs` so a balancer notices,
   * then stops accepting, lets open connections end (see http/shutdown.ts), hands over its leases,
   * deregisters, closes the bus and the database.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

/**
 * Composes one Quorum node from its configuration. Nothing here is global: two nodes can share a process.
 * Each step is a builder named after what it builds (node/*.ts); the order is the start order.
 */
export async function createNode(
  config: QuorumConfig,
  options: { logger: Logger; env?: Record<string, string | undefined> },
): Promise<QuorumNode> {
  const { logger } = options;
  const secret = resolveSecret(config, options.env);
  const opened = await openDatabase(config, logger);
  // Once per start: what of a Strapi project this node leaves out (project code, plugins, options).
  warnAboutStrapiPartsNotRun(config.appDir, opened.files, logger);
  // Transactions that commit outbox events wake this node's dispatcher at once.
  const commits = withCommitSignal(opened.database);
  const { database } = commits;
  // If a step below fails, what already runs is stopped again (reverse order) before the error goes up.
  const parts = new StartedParts();
  parts.add('database', () => database.close());
  try {
    const metrics = buildMetrics(database);
    const content = await buildContentCore(config, database, opened.sync.schema, logger);
    const { core } = content;
    const locales = buildLocales(core);
    const access = buildAuth(config, secret, core);
    const { users, emails, admin } = await buildAccounts(config, secret, core, access);
    const cluster = await startCluster({ config, secret, logger, content, access, admin, metrics }, parts);
    reportNodeState(metrics, cluster, content);
    const work = await buildBackgroundWork({ config, secret, core, commits, cluster, emails, logger }, parts);
    announceChanges(content, access, cluster, parts, locales);
    const changeSchema = buildSchemaChanger(content, cluster);
    if (config.seedFile) {
      const created = await seedIfEmpty(core, config.seedFile);
      if (created)
        logger.info(
          { documents: created, file: config.seedFile },
          'loaded seed data into the empty database',
        );
    }

    const readiness = buildReadiness(database, cluster);
    const app = await buildHttpApp({
      config,
      logger,
      core,
      ...access,
      users,
      emails,
      readiness,
      admin,
      cluster,
      changeSchema: (change, changeOptions) => changeSchema(change, changeOptions),
      metrics,
      webhooks: work.webhooks.store,
      media: work.media,
      responses: content.responses,
      locales,
    });
    parts.add('http app', () => app.close());
    work.start(parts);
    return {
      config,
      app,
      core,
      ...access,
      admin,
      cluster,
      database,
      webhooks: work.webhooks,
      emails: work.emailWorker,
      media: work.media,
      mediaOrphans: work.mediaOrphans,
      locales,
      metrics,
      changeSchema,
      async listen() {
        const url = await app.listen({ port: config.server.port, host: config.server.host });
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : config.server.port;
        await cluster.register({ host: hostname(), port });
        return url;
      },
      stop(stopOptions = {}) {
        return stopNode({ config, readiness, app, work, cluster, database }, stopOptions);
      },
    };
  } catch (err) {
    await parts.stopAll(logger);
    throw err;
  }
}
