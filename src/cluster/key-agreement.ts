import type { NodeInfo } from './membership.js';

/** Whether the live nodes were started with the same QUORUM_SECRET, judged by their key fingerprints. */
export interface KeyAgreement {
  /** This node's fingerprint. */
  readonly fingerprint: string;
  /** The fingerprint most live nodes publish (ties: the one of the node that started first). */
  readonly clusterFingerprint: string;
  /** True when this node's fingerprint is not the cluster's: it must not take traffic. */
  readonly selfDiffers: boolean;
  /** Live nodes whose fingerprint is not the cluster's (this one included when it differs). */
  readonly differingNodes: readonly string[];
}

/**
 * The cluster's fingerprint is the majority's, and with a tie the first started node's: the odd node
 * is the one that joined a running cluster with another secret, and the nodes that were there keep
 * serving. Nodes without a fingerprint (older versions) are left out.
 */
export function keyAgreement(
  self: { id: string; fingerprint: string },
  nodes: readonly NodeInfo[],
): KeyAgreement {
  const live = nodes.filter((node) => node.alive && node.keyFingerprint !== null);
  if (!live.some((node) => node.id === self.id))
    live.push({ id: self.id, keyFingerprint: self.fingerprint, startedAt: '' } as NodeInfo);
  const counts = new Map<string, number>();
  for (const node of live) counts.set(node.keyFingerprint!, (counts.get(node.keyFingerprint!) ?? 0) + 1);
  const most = Math.max(...counts.values());
  // `nodes` come ordered by start time, so the first with a most common fingerprint started first.
  const clusterFingerprint = live.find((node) => counts.get(node.keyFingerprint!) === most)!.keyFingerprint!;
  return {
    fingerprint: self.fingerprint,
    clusterFingerprint,
    selfDiffers: self.fingerprint !== clusterFingerprint,
    differingNodes: live.filter((node) => node.keyFingerprint !== clusterFingerprint).map((node) => node.id),
  };
}
