import type { Logger } from 'pino';
import { ADMIN_ACTIONS } from '../accounts/actions.js';
import type { AdminServices } from '../accounts/index.js';
import type { ResponseCache } from '../cache/response-cache.js';
import { keyFingerprint, type QuorumConfig } from '../config/index.js';
import { loadStoredSchema, readSchemaVersion } from '../core/schema/store.js';
import type { NodeMetrics } from '../observability/metrics.js';
import type { NodeAuth } from './auth.js';
import { ClusterRuntime, TOPICS, type ChangeCause } from './cluster.js';
import type { ContentCore } from './content-core.js';
import type { StartedParts } from './started-parts.js';

/**
 * The node's part in the cluster, started: the bus with what to do when another node announces a
 * change (also run after a bus reconnect and on the periodic resync, since bus messages can be
 * missed), the leader election, membership and the scheduler.
 */
export async function startCluster(
  deps: {
    config: QuorumConfig;
    secret: string;
    logger: Logger;
    content: ContentCore;
    access: NodeAuth;
    admin: AdminServices;
    metrics: NodeMetrics;
  },
  parts: StartedParts,
): Promise<ClusterRuntime> {
  const { config, logger, content, admin, metrics } = deps;
  const { core, responses } = content;
  const { database } = core;
  const { permissions, tokens, auth } = deps.access;

  const reloadSchema = async () => {
    const version = await readSchemaVersion(database.db);
    if (version === core.schema().version) return;
    const schema = await loadStoredSchema(database.db, database.dialect);
    content.useSchema(schema);
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
      [TOPICS.locales]: (cause) => content.localesChanged(cause.kind !== 'resync'),
      [TOPICS.content]: (cause) => {
        core.counts?.changed();
        if (responses) retireAnswers(responses, cause);
      },
    },
    onBusLatency: (ms) => metrics.observeBusLatency(ms),
    keyFingerprint: keyFingerprint(deps.secret),
    publisherAccess: (adminId, uid) =>
      admin.accounts.contentScopeOf(adminId, ADMIN_ACTIONS.content.publish, uid),
  });
  // cluster.stop copes with a start that failed half-way (the bus connected, the cron file broken).
  parts.add('cluster', () => cluster.stop());
  await cluster.start();
  return cluster;
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
