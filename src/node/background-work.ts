import type { Logger } from 'pino';
import { createEmailSender } from '../auth/email.js';
import type { UsersPermissionsEmails } from '../auth/users-permissions/emails.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { MediaLibrary } from '../media/library.js';
import { EmailWorker } from '../workers/email/worker.js';
import { MediaOrphanCleanup } from '../workers/media-orphans.js';
import type { CommitSignal } from '../workers/outbox/commit-signal.js';
import { createWebhookRuntime, type WebhookRuntime } from '../workers/webhooks/index.js';
import type { ClusterRuntime } from './cluster.js';
import type { StartedParts } from './started-parts.js';

/**
 * What a node does besides answering requests: the outbox dispatcher, webhook deliveries and their
 * housekeeping, the email worker, and the leader's cleanup of orphaned media files (with the media
 * library it cleans, which the routes use too). Built before the HTTP app, started after it.
 */
export interface BackgroundWork {
  readonly webhooks: WebhookRuntime;
  readonly emailWorker: EmailWorker;
  readonly media: MediaLibrary;
  readonly mediaOrphans: MediaOrphanCleanup;
  /** Starts the workers, each recorded in `parts`. */
  start(parts: StartedParts): void;
  /** Stops the workers and closes the media library. */
  stop(): Promise<void>;
}

export async function buildBackgroundWork(
  deps: {
    config: QuorumConfig;
    secret: string;
    core: CoreContext;
    commits: CommitSignal;
    cluster: ClusterRuntime;
    emails: UsersPermissionsEmails;
    logger: Logger;
  },
  parts: StartedParts,
): Promise<BackgroundWork> {
  const { config, core, commits, cluster, emails, logger } = deps;
  const { database } = core;
  const webhooks = createWebhookRuntime({
    config,
    database,
    onOutboxCommit: commits.onOutboxCommit,
    secret: deps.secret,
    nodeId: cluster.nodeId,
    leases: cluster.leases,
    leader: cluster.leader,
    logger,
  });
  // Webhook headers an older version stored in plain text are sealed now (migration 0402 explains why here).
  const sealedHeaders = await webhooks.store.sealPlaintextHeaders();
  if (sealedHeaders) logger.info({ webhooks: sealedHeaders }, 'sealed the stored headers of webhooks');
  const emailWorker = new EmailWorker({
    database,
    sender: createEmailSender(config, logger),
    nodeId: cluster.nodeId,
    options: config.email,
    logger,
  });
  for (const [type, compose] of Object.entries(emails.composers())) emailWorker.register(type, compose);
  const media = new MediaLibrary(core, config, logger);
  parts.add('media library', () => media.close());
  const mediaOrphans = new MediaOrphanCleanup({
    media,
    leases: cluster.leases,
    leader: cluster.leader,
    graceMs: config.upload.orphanGraceMs,
    intervalMs: config.upload.orphanSweepMs,
    logger,
  });

  let stopWakingEmails = () => {};
  return {
    webhooks,
    emailWorker,
    media,
    mediaOrphans,
    start(started) {
      webhooks.start();
      started.add('webhooks', () => webhooks.stop());
      stopWakingEmails = commits.onOutboxCommit(() => emailWorker.wake());
      emailWorker.start();
      started.add('email worker', () => {
        stopWakingEmails();
        return emailWorker.stop();
      });
      mediaOrphans.start();
      started.add('media orphan cleanup', () => mediaOrphans.stop());
    },
    async stop() {
      // In-flight deliveries get webhooks.stopTimeoutMs; the rest go back to the queue for other nodes.
      await webhooks.stop();
      stopWakingEmails();
      await emailWorker.stop();
      await mediaOrphans.stop();
      media.close();
    },
  };
}
