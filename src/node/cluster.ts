import type { Logger } from 'pino';
import { createBus } from '../cluster/bus/factory.js';
import type { Bus, PublishOptions } from '../cluster/bus/types.js';
import { DeadNodePruning } from '../cluster/dead-nodes.js';
import { keyAgreement, type KeyAgreement } from '../cluster/key-agreement.js';
import { LeaderElector } from '../cluster/leader.js';
import { Leases } from '../cluster/leases.js';
import { Membership, newNodeId } from '../cluster/membership.js';
import type { ClusterStatus, ClusterView } from '../cluster/status.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { loadCronTasks } from '../workers/cron-tasks.js';
import { Scheduler, type PublisherAccess } from '../workers/scheduler.js';

/** Topics the nodes of a cluster announce changes on. */
export const TOPICS = {
  schema: 'schema.changed',
  permissions: 'permissions.changed',
  tokens: 'tokens.changed',
  users: 'users.changed',
  /** Locales were created, renamed, deleted or the default changed (node/content-core.ts reloads it). */
  locales: 'locales.changed',
  /**
   * Content was written (payload: `{ uids }`, the types written): other nodes retire cached totals
   * (core/query/count-cache.ts) and cached answers that read those types (cache/response-cache.ts).
   */
  content: 'content.changed',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Why a handler runs: another node's `message` (with its payload), the periodic `resync`, or a bus
 * `reconnect` (messages may have been lost while the bus was down).
 */
export type ChangeCause =
  | { readonly kind: 'message'; readonly payload: unknown }
  | { readonly kind: 'resync' }
  | { readonly kind: 'reconnect' };

export const LEADER_LEASE = 'quorum-leader';
const VERSION = '0.1.0';

/**
 * This node's part in the cluster: its id, the bus, the leader election, membership heartbeats, the
 * scheduler and the pruning of dead nodes' membership rows (both only work while this node leads). `handlers` say what to do when another node
 * announces a change — and they also run after a bus reconnect and on the periodic resync, because bus
 * messages can be missed.
 */
export class ClusterRuntime implements ClusterView {
  readonly nodeId = newNodeId();
  readonly leases: Leases;
  readonly leader: LeaderElector;
  readonly deadNodes: DeadNodePruning;
  #bus!: Bus;
  #membership: Membership | undefined;
  #scheduler: Scheduler | undefined;
  #resync: NodeJS.Timeout | undefined;
  /** What was last logged about key fingerprints, so a mismatch is logged when it starts, not per probe. */
  #keysLogged = '';
  readonly #latencies: number[] = [];

  constructor(
    private readonly deps: {
      config: QuorumConfig;
      core: CoreContext;
      logger: Logger;
      handlers: Record<Topic, (cause: ChangeCause) => Promise<void> | void>;
      /** Each received message's latency (for the node's metrics). */
      onBusLatency?: (ms: number) => void;
      /** config/keys.ts keyFingerprint of this node's QUORUM_SECRET, published in membership. */
      keyFingerprint: string;
      /** For the scheduler: what the admin who scheduled an action may publish when it runs. */
      publisherAccess: PublisherAccess;
    },
  ) {
    const { config, core, logger } = deps;
    this.leases = new Leases(core.database);
    this.leader = new LeaderElector(this.leases, {
      name: LEADER_LEASE,
      nodeId: this.nodeId,
      ttlMs: config.cluster.leaseTtlMs,
      logger,
    });
    this.deadNodes = new DeadNodePruning({
      database: core.database,
      leases: this.leases,
      leader: this.leader,
      nodeTtlMs: config.cluster.nodeTtlMs,
      logger,
    });
  }

  get bus(): Bus {
    return this.#bus;
  }

  /**
   * Connects the bus, subscribes, starts the election, the scheduler and dead-node pruning (before the
   * node listens).
   */
  async start(): Promise<void> {
    const { config, core, logger, handlers } = this.deps;
    this.#bus = await createBus(config, core.database, this.nodeId, logger);
    for (const topic of Object.values(TOPICS)) {
      this.#bus.subscribe(topic, (message) => {
        this.#recordLatency(Date.now() - message.sentAt);
        if (message.origin === this.nodeId) return;
        void Promise.resolve(handlers[topic]({ kind: 'message', payload: message.payload })).catch(
          (err: Error) =>
            logger.warn(
              { err: err.message, topic, requestId: message.requestId },
              'could not apply a change from another node',
            ),
        );
      });
    }
    this.#bus.onReconnect(() => void this.resync({ kind: 'reconnect' }));
    this.#resync = setInterval(() => void this.resync(), config.cluster.resyncMs);
    this.#resync.unref();
    const tasks = await loadCronTasks(config.appDir);
    this.#scheduler = new Scheduler({
      core,
      leases: this.leases,
      leader: this.leader,
      tasks,
      config: config.scheduler,
      nodeId: this.nodeId,
      logger,
      publisherAccess: this.deps.publisherAccess,
    });
    this.#scheduler.start();
    this.deadNodes.start();
    this.leader.start();
    if (tasks.length)
      logger.info(
        { tasks: tasks.map((t) => `${t.name} (${t.rule})`) },
        'cron tasks loaded; they run on the leader only',
      );
  }

  /** Registers this node (with the address it listens on) and starts heartbeats. */
  async register(address: { host: string; port: number }): Promise<void> {
    const { config, core, logger } = this.deps;
    this.#membership = new Membership(
      core.database,
      {
        id: this.nodeId,
        host: address.host,
        port: address.port,
        version: VERSION,
        keyFingerprint: this.deps.keyFingerprint,
      },
      {
        heartbeatMs: config.cluster.heartbeatMs,
        ttlMs: config.cluster.nodeTtlMs,
        logger,
      },
    );
    await this.#membership.register();
  }

  /** Tells the other nodes that something changed (this node has applied it already). */
  async publish(topic: Topic, payload: unknown = {}, options: PublishOptions = {}): Promise<void> {
    try {
      await this.#bus.publish(topic, payload, options);
    } catch (err) {
      // Other nodes catch up at their next resync.
      this.deps.logger.warn({ err: (err as Error).message, topic }, 'could not announce a change on the bus');
    }
  }

  /** Re-reads everything a missed message could have changed. */
  async resync(cause: ChangeCause = { kind: 'resync' }): Promise<void> {
    for (const [topic, handler] of Object.entries(this.deps.handlers)) {
      try {
        await handler(cause);
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message, topic }, 'resync failed');
      }
    }
  }

  #recordLatency(ms: number): void {
    this.deps.onBusLatency?.(ms);
    this.#latencies.push(ms);
    if (this.#latencies.length > 1000) this.#latencies.shift();
  }

  /**
   * Whether the live nodes share this node's QUORUM_SECRET (undefined before this node registered).
   * Readiness asks on every probe; a change is logged once.
   */
  async keys(): Promise<KeyAgreement | undefined> {
    if (!this.#membership) return undefined;
    const agreement = keyAgreement(
      { id: this.nodeId, fingerprint: this.deps.keyFingerprint },
      await this.#membership.list(),
    );
    this.#logKeys(agreement);
    return agreement;
  }

  #logKeys(agreement: KeyAgreement): void {
    const state = agreement.selfDiffers ? 'self' : agreement.differingNodes.join(',');
    if (state === this.#keysLogged) return;
    this.#keysLogged = state;
    const { logger } = this.deps;
    const fields = {
      keyFingerprint: agreement.fingerprint,
      clusterKeyFingerprint: agreement.clusterFingerprint,
    };
    if (agreement.selfDiffers)
      logger.error(
        fields,
        "this node's QUORUM_SECRET differs from the cluster's (other key fingerprint): readiness stays 503 until it is started with the cluster's secret",
      );
    else if (agreement.differingNodes.length)
      logger.warn(
        { ...fields, nodes: agreement.differingNodes },
        'nodes with another QUORUM_SECRET joined the cluster; they refuse readiness',
      );
    else logger.info(fields, 'every live node shares this QUORUM_SECRET again');
  }

  async status(): Promise<ClusterStatus> {
    const lease = await this.leases.read(LEADER_LEASE);
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const pick = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
    return {
      nodeId: this.nodeId,
      bus: { kind: this.#bus.kind, latencyMs: { p50: pick(0.5), p99: pick(0.99), samples: sorted.length } },
      leader:
        lease && !lease.expired
          ? {
              nodeId: lease.holder,
              fencingToken: lease.token,
              expiresAt: lease.expiresAt,
              self: lease.holder === this.nodeId,
            }
          : null,
      nodes: this.#membership ? await this.#membership.list() : [],
      keys: (await this.keys()) ?? null,
    };
  }

  /** Leaves the cluster: scheduler off, lease released (another node takes over at once), deregistered, bus closed. */
  async stop(): Promise<void> {
    if (this.#resync) clearInterval(this.#resync);
    await this.#scheduler?.stop();
    await this.deadNodes.stop();
    await this.leader.stop();
    await this.#membership
      ?.deregister()
      .catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'could not deregister'));
    await this.#bus?.close();
  }
}

/**
 * For processes that are not nodes (CLI commands): tells running nodes that something changed, on the
 * bus the nodes use. Embedded mode has no bus across processes; nodes pick the change up within their
 * cache TTL there.
 */
export async function announceFromOutside(
  config: QuorumConfig,
  database: CoreContext['database'],
  topic: Topic,
  logger: Logger,
): Promise<void> {
  const nodeId = `cli-${process.pid}`;
  try {
    if (config.redisUrl) {
      const { RedisBus } = await import('../cluster/bus/redis.js');
      const bus = new RedisBus({ url: config.redisUrl, nodeId, logger });
      try {
        await bus.start();
        await bus.publish(topic, {});
      } finally {
        await bus.close();
      }
    } else if (config.database.kind === 'postgres') {
      // Publishing needs no listening connection.
      const { PostgresBus } = await import('../cluster/bus/postgres.js');
      await new PostgresBus({ url: config.database.url, db: database.db, nodeId, logger }).publish(topic, {});
    }
  } catch (err) {
    logger.warn(
      { err: (err as Error).message, topic },
      'could not tell running nodes; they apply the change within their cache TTL',
    );
  }
}
