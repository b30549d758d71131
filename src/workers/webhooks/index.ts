import type { Logger } from 'pino';
import type { LeaderElector } from '../../cluster/leader.js';
import type { Leases } from '../../cluster/leases.js';
import { deriveKey, type QuorumConfig } from '../../config/index.js';
import { CONTENT_TOPIC } from '../../core/documents/events.js';
import type { Database } from '../../db/types.js';
import { OutboxDispatcher } from '../outbox/dispatcher.js';
import { TargetBreakers } from './breakers.js';
import { DeliveryQueries } from './deliveries.js';
import { webhookFanOut, webhookTestHandler } from './fan-out.js';
import { OutboxHousekeeping } from './housekeeping.js';
import { SecretBox } from '../../webhooks/secrets.js';
import { WebhookStore } from '../../webhooks/store.js';
import { WEBHOOK_TEST_TOPIC } from '../../webhooks/tables.js';
import { DeliveryWorker } from './worker.js';

export type { Webhook, WebhookInput, Delivery } from '../../webhooks/store.js';
export { WebhookStore } from '../../webhooks/store.js';

/** The outbox and webhooks of one node: dispatcher, delivery worker, leader housekeeping, admin store. */
export interface WebhookRuntime {
  /** Webhooks and deliveries, for the admin API. */
  readonly store: WebhookStore;
  /** Other parts of Quorum register the handlers of their own outbox topics here. */
  readonly dispatcher: OutboxDispatcher;
  readonly worker: DeliveryWorker;
  readonly housekeeping: OutboxHousekeeping;
  start(): void;
  /** Stops dispatching and delivering (in-flight deliveries get stopTimeoutMs), before the database closes. */
  stop(): Promise<void>;
}

export function createWebhookRuntime(deps: {
  config: QuorumConfig;
  /** The database whose transactions signal outbox commits (see outbox/commit-signal.ts). */
  database: Database;
  onOutboxCommit: (listener: () => void) => () => void;
  secret: string;
  nodeId: string;
  leases: Leases;
  leader: LeaderElector;
  logger: Logger;
}): WebhookRuntime {
  const { database, logger, nodeId } = deps;
  const config = deps.config.webhooks;
  const box = new SecretBox(deriveKey(deps.secret, 'webhook-secrets'));
  const store = new WebhookStore(database, box, config.maxAgeMs);
  const dispatcher = new OutboxDispatcher({ database, nodeId, options: config, logger });
  const fanOut = { dialect: database.dialect, maxAgeMs: config.maxAgeMs };
  dispatcher.registerOutboxHandler(CONTENT_TOPIC, webhookFanOut(fanOut));
  dispatcher.registerOutboxHandler(WEBHOOK_TEST_TOPIC, webhookTestHandler(fanOut));
  const worker = new DeliveryWorker({
    queries: new DeliveryQueries(database),
    breakers: new TargetBreakers(config.circuitBreaker, logger),
    box,
    nodeId,
    config,
    logger,
  });
  const housekeeping = new OutboxHousekeeping({
    database,
    leases: deps.leases,
    leader: deps.leader,
    retentionDays: config.retentionDays,
    logger,
  });
  const unsubscribe: (() => void)[] = [];
  return {
    store,
    dispatcher,
    worker,
    housekeeping,
    start() {
      unsubscribe.push(
        deps.onOutboxCommit(() => dispatcher.wake()),
        dispatcher.onProcessed(() => worker.wake()),
      );
      dispatcher.start();
      worker.start();
      housekeeping.start();
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      await housekeeping.stop();
      await dispatcher.stop();
      await worker.stop();
    },
  };
}
