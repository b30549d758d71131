import type { ClusterRuntime } from './cluster.js';
import type { ContentCore } from './content-core.js';
import type { Database } from '../db/types.js';
import { observeDatabase } from '../observability/db-metrics.js';
import { NodeMetrics } from '../observability/metrics.js';

/** This node's Prometheus registry (served at GET /metrics), observing the database's statements. */
export function buildMetrics(database: Database): NodeMetrics {
  const metrics = new NodeMetrics();
  observeDatabase(metrics, database);
  return metrics;
}

/** What the metrics read from the running node when scraped: leadership, schema version, caches. */
export function reportNodeState(metrics: NodeMetrics, cluster: ClusterRuntime, content: ContentCore): void {
  const { core, responses } = content;
  Object.assign(metrics.sources, {
    isLeader: () => cluster.leader.isLeader,
    schemaVersion: () => core.schema().version,
    plans: () => core.plans,
    responses: responses && (() => ({ ...responses.stats, bytes: responses.size.bytes })),
  });
}
