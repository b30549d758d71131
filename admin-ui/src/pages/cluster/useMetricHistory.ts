import { useEffect, useRef, useState } from 'react';
import type { ClusterStatus, NodeMetricsSummary } from '../../api/cluster';

/** One point of the dashboard's charts. */
export interface Sample {
  readonly time: string;
  readonly requestsPerSecond: number | null;
  readonly errorsPerSecond: number | null;
  readonly busP50: number | null;
  readonly busP99: number | null;
  readonly outboxEvents: number | null;
  readonly outboxDeliveries: number | null;
}

const KEEP = 40;

/**
 * Turns polled cumulative counters into a rolling series of rates. The counters are the answering
 * node's: behind a balancer, consecutive polls may reach different nodes, so a rate is only computed
 * between two answers of the same node (and never across a restart, when a counter went down).
 */
export function useMetricHistory(
  metrics: NodeMetricsSummary | undefined,
  cluster: ClusterStatus | undefined,
): Sample[] {
  const [samples, setSamples] = useState<Sample[]>([]);
  const previous = useRef<Map<string, NodeMetricsSummary>>(new Map());

  useEffect(() => {
    if (!metrics) return;
    const before = previous.current.get(metrics.nodeId);
    previous.current.set(metrics.nodeId, metrics);
    const seconds = before ? (Date.parse(metrics.at) - Date.parse(before.at)) / 1000 : 0;
    const rate = (now?: number, then?: number) =>
      seconds > 0 && now !== undefined && then !== undefined && now >= then ? (now - then) / seconds : null;
    const sample: Sample = {
      time: new Date(metrics.at).toLocaleTimeString(),
      requestsPerSecond: round(rate(metrics.requests, before?.requests)),
      errorsPerSecond: round(rate(metrics.serverErrors, before?.serverErrors)),
      busP50: cluster?.bus.latencyMs.p50 ?? null,
      busP99: cluster?.bus.latencyMs.p99 ?? null,
      outboxEvents: metrics.outbox?.events ?? null,
      outboxDeliveries: metrics.outbox?.deliveries ?? null,
    };
    setSamples((list) => [...list, sample].slice(-KEEP));
    // Only a new metrics answer adds a point; the cluster status is read as it stands then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [metrics]);

  return samples;
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
