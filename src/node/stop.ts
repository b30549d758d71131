import type { FastifyInstance } from 'fastify';
import type { QuorumConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import { closeAfterDrain } from '../http/shutdown.js';
import type { BackgroundWork } from './background-work.js';
import type { ClusterRuntime } from './cluster.js';
import type { NodeReadiness } from './readiness.js';

/**
 * After the drain, how long open connections may take to end (in-flight requests to finish, balancers to
 * close their idle connections) before they are cut.
 */
const IN_FLIGHT_GRACE_MS = 5000;

/** The graceful stop of a started node (QuorumNode.stop says what it does). */
export async function stopNode(
  node: {
    config: QuorumConfig;
    readiness: NodeReadiness;
    app: FastifyInstance;
    work: BackgroundWork;
    cluster: ClusterRuntime;
    database: Database;
  },
  stopOptions: { drainMs?: number },
): Promise<void> {
  const { config, app, cluster, database } = node;
  node.readiness.drain();
  const drainMs = stopOptions.drainMs ?? config.server.drainMs;
  if (drainMs > 0 && app.server.listening) await new Promise((resolve) => setTimeout(resolve, drainMs));
  // Without a drain nothing routes here any more (a test, a terminal): idle connections may go at once.
  await closeAfterDrain(app, { graceMs: IN_FLIGHT_GRACE_MS, closeIdle: drainMs === 0 });
  await node.work.stop();
  await cluster.stop();
  await database.close();
}
