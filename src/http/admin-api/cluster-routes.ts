import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import type { NodeMetrics } from '../../observability/metrics.js';
import { ADMIN_PREFIX, requireAdmin, type AdminApiDeps } from './admin-request.js';

/** The cluster as this node sees it: nodes and their heartbeats, the leader and its fencing token, the bus. */
export const clusterRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  app.get(`${ADMIN_PREFIX}/cluster`, async (request, reply) => {
    await requireAdmin(deps, request, ADMIN_ACTIONS.cluster.read);
    reply.header('cache-control', 'no-store');
    return { data: await deps.cluster.status() };
  });

  /**
   * This node's counters for the admin UI's live charts, as JSON: the UI polls it and turns deltas
   * into rates. /metrics has the same numbers for Prometheus, but may sit behind QUORUM_METRICS_TOKEN,
   * which a browser must not hold; this route takes the admin's token and permission instead.
   */
  app.get(`${ADMIN_PREFIX}/cluster/metrics`, async (request, reply) => {
    await requireAdmin(deps, request, ADMIN_ACTIONS.cluster.read);
    reply.header('cache-control', 'no-store');
    const status = await deps.cluster.status();
    return {
      data: {
        nodeId: status.nodeId,
        at: new Date().toISOString(),
        ...(deps.metrics ? await summarize(deps.metrics) : { available: false }),
      },
    };
  });
};

type MetricValue = { value: number; labels: Record<string, string | number>; metricName?: string };

async function summarize(metrics: NodeMetrics) {
  const all = (await metrics.registry.getMetricsAsJSON()) as unknown as {
    name: string;
    values: MetricValue[];
  }[];
  const values = (name: string) => all.find((m) => m.name === name)?.values ?? [];
  const sum = (name: string, keep: (v: MetricValue) => boolean = () => true) =>
    values(name)
      .filter(keep)
      .reduce((total, v) => total + v.value, 0);
  const status = (v: MetricValue) => Number(v.labels.status);
  const one = (name: string, labels: Record<string, string> = {}) =>
    values(name).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? null;
  return {
    available: true,
    requests: sum('http_requests_total'),
    serverErrors: sum('http_requests_total', (v) => status(v) >= 500),
    clientErrors: sum('http_requests_total', (v) => status(v) >= 400 && status(v) < 500),
    outbox: {
      events: one('quorum_outbox_backlog', { kind: 'events' }),
      deliveries: one('quorum_outbox_backlog', { kind: 'deliveries' }),
    },
    planCache: {
      hits: one('quorum_plan_cache_requests_total', { result: 'hit' }),
      misses: one('quorum_plan_cache_requests_total', { result: 'miss' }),
    },
    eventLoopLagSeconds: one('nodejs_eventloop_lag_seconds'),
    residentMemoryBytes: one('process_resident_memory_bytes'),
    leader: one('quorum_leader') === 1,
    schemaVersion: one('quorum_schema_version'),
  };
}
