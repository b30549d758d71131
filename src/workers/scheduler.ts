import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Lease, Leases } from '../cluster/leases.js';
import type { LeaderElector } from '../cluster/leader.js';
import type { QuorumConfig } from '../config/index.js';
import { FULL_ACCESS, type AccessScope } from '../core/access.js';
import { inTransaction, type CoreContext } from '../core/context.js';
import { matchesConditions, resolveAccess, writeStatus } from '../core/documents/access-checks.js';
import { publishDocument, unpublishDocument } from '../core/documents/publication.js';
import { findRow, versionRef } from '../core/documents/rows.js';
import { contentChanged } from '../core/documents/transaction.js';
import { ApplicationError } from '../core/errors.js';
import { dueTimes, type CronTask } from './cron-tasks.js';
import { toAction, type ScheduledAction } from '../core/documents/scheduled-actions.js';
import { taskContext } from './task-context.js';

/**
 * The publish scope an admin holds on a type now (undefined: none, or the account is gone, blocked or
 * inactive). Given by the node, which knows admins (workers/ does not).
 */
export type PublisherAccess = (adminId: number, uid: string) => Promise<AccessScope | undefined>;

const BATCH = 50;
const HOUSEKEEPING_MS = 60_000;
const TASK_RUN_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Singleton work, done by the leader only: scheduled publications and cron tasks, plus housekeeping.
 * Every execution is claimed first, in a transaction fenced by the leader's lease, under a unique key
 * (the scheduled action's id; the cron task and due time): a paused or partitioned ex-leader cannot
 * claim anything, and no due time is claimed twice across the cluster. A task whose leader dies after
 * the claim is not re-run (its run stays `running`, then is marked `interrupted` by the next leader).
 */
export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #lease: Lease | undefined;
  #leaderSince = 0;
  #lastHousekeeping = 0;
  #ticking = false;
  readonly #running = new Set<string>();
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      core: CoreContext;
      leases: Leases;
      leader: LeaderElector;
      tasks: readonly CronTask[];
      config: QuorumConfig['scheduler'];
      nodeId: string;
      logger: Logger;
      publisherAccess: PublisherAccess;
    },
  ) {}

  start(): void {
    this.deps.leader.onElected((lease) => {
      this.#lease = lease;
      this.#leaderSince = Date.now();
      void this.#markInterrupted(lease);
    });
    this.deps.leader.onDemoted(() => {
      this.#lease = undefined;
    });
    this.#timer = setInterval(() => void this.tick(), this.deps.config.pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#lease = undefined;
    await Promise.allSettled([...this.#pending]);
  }

  /** One pass (exposed for tests); does nothing unless this node is the leader. */
  async tick(): Promise<void> {
    const lease = this.#lease;
    if (!lease || !this.deps.leader.isLeader || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#runScheduledActions(lease);
      for (const task of this.deps.tasks)
        if (!this.#running.has(task.name)) this.#track(this.#runCronTask(task, lease));
      if (Date.now() - this.#lastHousekeeping > HOUSEKEEPING_MS) await this.#housekeeping();
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'scheduler pass failed');
    } finally {
      this.#ticking = false;
    }
  }

  #track(promise: Promise<void>): void {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
  }

  async #runScheduledActions(lease: Lease): Promise<void> {
    const { core } = this.deps;
    const { db, dialect } = core.database;
    const due = await db
      .selectFrom('quorum_scheduled_actions')
      .selectAll()
      .where('status', '=', 'pending')
      .where('due_at', '<=', dialect.now())
      .orderBy('due_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of due) await this.#runAction(toAction(row), lease);
  }

  async #runAction(action: ScheduledAction, lease: Lease): Promise<void> {
    const { core, leases, nodeId, logger } = this.deps;
    const type = core.schema().contentTypes.get(action.uid);
    try {
      // Checked when it was scheduled (the routes), and again now as the admin who scheduled it: their
      // grant may have been withdrawn meanwhile (a role changed, the account blocked or deleted), and
      // a pending action must not keep a right its author lost. Resolved before the transaction: it
      // reads accounts and roles, and SQLite has one connection. Actions without an author (in-process,
      // or scheduled before authors were recorded) run as the system, as they always did.
      const access =
        action.createdBy === null
          ? FULL_ACCESS
          : await this.deps.publisherAccess(action.createdBy, action.uid);
      const done = await core.database.transaction(async (trx) => {
        await leases.fence(trx, lease);
        const claimed = await trx
          .updateTable('quorum_scheduled_actions')
          .set({ status: 'done', done_at: core.database.dialect.now(), token: lease.token, node: nodeId })
          .where('id', '=', action.id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return false;
        if (!type) throw new ApplicationErrorLike(`content type ${action.uid} no longer exists`);
        if (!access)
          throw new ApplicationErrorLike(`the admin who scheduled it may no longer publish ${action.uid}`);
        const tx = inTransaction(core, trx);
        // The content manager's rule (requireOwn): the document's draft inside the grant's conditions.
        // A missing document is left to the operation, which says so.
        const status = writeStatus(type);
        // The default locale's version: scheduled actions carry no locale yet (publishDocument's default too).
        const ref = versionRef(core, type, action.documentId);
        const row = await findRow(trx, type, ref, status);
        const resolved = resolveAccess(tx, type, access);
        if (row && !(await matchesConditions(tx, trx, type, ref, status, resolved)))
          throw new ApplicationErrorLike(
            'the document is outside what the admin who scheduled it may publish',
          );
        const result =
          action.action === 'publish'
            ? await publishDocument(tx, type, action.documentId, { access })
            : await unpublishDocument(tx, type, action.documentId, { access });
        if (!result && action.action === 'publish')
          throw new ApplicationErrorLike('the document has no draft to publish');
        return true;
      });
      // The publication ran inside this transaction: what it signalled happened before the commit.
      if (done) contentChanged(core, [action.uid]);
      if (done)
        logger.info(
          {
            action: action.action,
            uid: action.uid,
            documentId: action.documentId,
            // Not `token`: the logger redacts fields of that name.
            fencingToken: lease.token,
          },
          'scheduled action done',
        );
    } catch (err) {
      if ((err as Error).name === 'StaleLeaseError') return;
      const message =
        err instanceof ApplicationError || err instanceof ApplicationErrorLike
          ? err.message
          : 'internal error (see the logs)';
      logger.warn({ err: (err as Error).message, id: action.id }, 'scheduled action failed');
      await core.database
        .transaction(async (trx) => {
          await leases.fence(trx, lease);
          await trx
            .updateTable('quorum_scheduled_actions')
            .set({
              status: 'failed',
              done_at: core.database.dialect.now(),
              token: lease.token,
              node: nodeId,
              error: message,
            })
            .where('id', '=', action.id)
            .where('status', '=', 'pending')
            .execute();
        })
        .catch(() => {});
    }
  }

  async #runCronTask(task: CronTask, lease: Lease): Promise<void> {
    this.#running.add(task.name);
    try {
      const { core, config } = this.deps;
      const last = await core.database.db
        .selectFrom('quorum_task_runs')
        .select(sql<string>`max(due_at)`.as('last'))
        .where('task', '=', task.name)
        .executeTakeFirst();
      const now = new Date();
      // A task that never ran starts from when this node became leader: nothing before counts as missed.
      const after = last?.last ? new Date(String(last.last)) : new Date(this.#leaderSince - 1);
      const times = dueTimes(task, after, now, config.maxCatchUp + 1);
      const graceMs = 2 * config.pollMs + 1000;
      const missed = times.filter((t) => now.getTime() - t.getTime() > graceMs);
      const onTime = times.filter((t) => now.getTime() - t.getTime() <= graceMs);
      let skip: Date[] = [];
      let run: Date[] = times;
      if (config.catchUp === 'none') {
        skip = missed;
        run = onTime;
      } else if (config.catchUp === 'latest' && missed.length > 1) {
        skip = missed.slice(0, -1);
        run = [...missed.slice(-1), ...onTime];
      } else if (times.length > config.maxCatchUp) {
        skip = times.slice(0, times.length - config.maxCatchUp);
        run = times.slice(-config.maxCatchUp);
      }
      for (const dueAt of skip) await this.#claim(task, dueAt, lease, 'skipped');
      for (const dueAt of run) {
        if (!this.deps.leader.isLeader || this.#lease?.token !== lease.token) return;
        if (await this.#claim(task, dueAt, lease, 'running')) await this.#execute(task, dueAt, lease);
      }
    } catch (err) {
      if ((err as Error).name !== 'StaleLeaseError')
        this.deps.logger.warn({ err: (err as Error).message, task: task.name }, 'cron pass failed');
    } finally {
      this.#running.delete(task.name);
    }
  }

  /** Records the due time under its unique key, fenced; false when it was already recorded. */
  async #claim(task: CronTask, dueAt: Date, lease: Lease, status: 'running' | 'skipped'): Promise<boolean> {
    const { core, leases, nodeId } = this.deps;
    return core.database.transaction(async (trx) => {
      await leases.fence(trx, lease);
      const { rows } = await sql<{
        task: string;
      }>`insert into quorum_task_runs (task, due_at, token, node, started_at, status)
        values (${task.name}, ${dueAt.toISOString()}, ${lease.token}, ${nodeId}, ${core.database.dialect.now()}, ${status})
        on conflict (task, due_at) do nothing returning task`.execute(trx);
      return rows.length === 1;
    });
  }

  async #execute(task: CronTask, dueAt: Date, lease: Lease): Promise<void> {
    const { core, logger } = this.deps;
    let status = 'done';
    let error: string | null = null;
    try {
      await task.run(taskContext(core, logger, task.name, dueAt, lease.token));
    } catch (err) {
      status = 'failed';
      error = (err as Error).message?.slice(0, 1000) ?? String(err);
      logger.warn({ err, task: task.name, dueAt: dueAt.toISOString() }, 'cron task failed');
    }
    await core.database.db
      .updateTable('quorum_task_runs')
      .set({ status, error, finished_at: core.database.dialect.now() })
      .where('task', '=', task.name)
      .where('due_at', '=', dueAt.toISOString())
      .execute()
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not record the end of a cron run'));
  }

  /** Runs claimed under an older token never finished (their leader died): say so. */
  async #markInterrupted(lease: Lease): Promise<void> {
    await this.deps.core.database.db
      .updateTable('quorum_task_runs')
      .set({ status: 'interrupted' })
      .where('status', '=', 'running')
      .where('token', '<', lease.token)
      .execute()
      .catch(() => {});
  }

  async #housekeeping(): Promise<void> {
    this.#lastHousekeeping = Date.now();
    const { core } = this.deps;
    await core.database.db
      .deleteFrom('quorum_task_runs')
      .where('started_at', '<', core.database.dialect.now(-TASK_RUN_RETENTION_MS))
      .execute();
  }
}

/** A failure to report on the scheduled action (not a bug). */
class ApplicationErrorLike extends Error {}
