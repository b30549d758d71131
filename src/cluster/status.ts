import type { KeyAgreement } from './key-agreement.js';
import type { NodeInfo } from './membership.js';

/** What GET /admin/api/cluster shows: the nodes, the leader with its fencing token, the bus. */
export interface ClusterStatus {
  readonly nodeId: string;
  readonly bus: { kind: string; latencyMs: { p50: number | null; p99: number | null; samples: number } };
  readonly leader: { nodeId: string; fencingToken: number; expiresAt: string; self: boolean } | null;
  readonly nodes: readonly NodeInfo[];
  /** Whether the live nodes share one QUORUM_SECRET (null before this node registered). */
  readonly keys: KeyAgreement | null;
}

/** The part of a node's cluster runtime the HTTP layer may use. */
export interface ClusterView {
  status(): Promise<ClusterStatus>;
}
