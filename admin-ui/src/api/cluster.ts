import { api } from './client';

export interface ClusterNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly alive: boolean;
  /** A hash of the node's derived keys: nodes started with the same QUORUM_SECRET share it. */
  readonly keyFingerprint: string | null;
}

/** Whether the live nodes share one QUORUM_SECRET (src/cluster/key-agreement.ts). */
export interface KeyAgreement {
  readonly fingerprint: string;
  readonly clusterFingerprint: string;
  readonly selfDiffers: boolean;
  readonly differingNodes: readonly string[];
}

/** GET /admin/api/cluster: the cluster as the answering node sees it. */
export interface ClusterStatus {
  readonly nodeId: string;
  readonly bus: { kind: string; latencyMs: { p50: number | null; p99: number | null; samples: number } };
  readonly leader: { nodeId: string; fencingToken: number; expiresAt: string; self: boolean } | null;
  readonly nodes: readonly ClusterNode[];
  readonly keys: KeyAgreement | null;
}

/** GET /admin/api/cluster/metrics: the answering node's counters (cumulative since it started). */
export interface NodeMetricsSummary {
  readonly nodeId: string;
  readonly at: string;
  readonly available: boolean;
  readonly requests?: number;
  readonly serverErrors?: number;
  readonly clientErrors?: number;
  readonly outbox?: { events: number | null; deliveries: number | null };
  readonly planCache?: { hits: number | null; misses: number | null };
  readonly eventLoopLagSeconds?: number | null;
  readonly residentMemoryBytes?: number | null;
  readonly leader?: boolean;
  readonly schemaVersion?: number | null;
}

export const clusterApi = {
  status: async () => (await api<{ data: ClusterStatus }>('/admin/api/cluster')).data,
  metrics: async () => (await api<{ data: NodeMetricsSummary }>('/admin/api/cluster/metrics')).data,
};
