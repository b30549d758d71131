import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../helpers/databases.js';
import { DEADLINE_MS, TestCluster, eventually } from '../helpers/cluster.js';
import { QuorumProcess, killAllProcesses } from '../helpers/processes.js';

/**
 * A node started with another QUORUM_SECRET on the cluster's database (issue 16): before, it was
 * ready (200) while it answered 401 to every token the other nodes accept. Nodes publish a
 * fingerprint of their derived keys in membership; the odd one refuses readiness with a clear reason
 * and log line, and the dashboard's API shows the mismatch. The secret never appears anywhere.
 */

const OTHER_SECRET = 'another-secret-0123456789abcdef';

describe.skipIf(!postgresAvailable())('a node with another QUORUM_SECRET', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let odd: QuorumProcess;
  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 1 });
    odd = new QuorumProcess({
      app: cluster.appDir,
      env: { ...cluster.env, QUORUM_SECRET: OTHER_SECRET },
      name: 'odd-node',
    });
    await odd.start();
  });
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  it('refuses readiness with a reason and one error log line; the cluster’s node stays ready', async () => {
    const [good] = cluster.nodes;
    const readyz = await eventually(
      'the odd node to listen and answer /readyz',
      async () => {
        const res = await odd.fetch('/readyz').catch(() => undefined);
        return res && res.status !== 0 ? { status: res.status, body: await res.json() } : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(readyz.status).toBe(503);
    expect(readyz.body).toEqual({ status: 'unavailable', reason: expect.stringContaining('QUORUM_SECRET') });
    expect((await good.fetch('/readyz')).status).toBe(200);

    // Why it matters: a token the cluster issued is refused by the odd node.
    const token = await cluster.createApiToken(good, 'read-only');
    expect((await cluster.api(good, 'GET', '/api/articles', token.authorization)).status).toBe(200);
    expect((await cluster.api(odd, 'GET', '/api/articles', token.authorization)).status).toBe(401);

    const lines = odd
      .logs()
      .filter((l) => String(l.msg).includes("QUORUM_SECRET differs from the cluster's"));
    expect(lines).toHaveLength(1); // once, not once per probe
    expect(lines[0].level).toBe(50);
    expect(lines[0].keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(lines[0].clusterKeyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(lines[0].keyFingerprint).not.toBe(lines[0].clusterKeyFingerprint);
    for (const node of [good, odd]) {
      expect(node.stderr).not.toContain(OTHER_SECRET);
      expect(node.stderr).not.toContain(cluster.env.QUORUM_SECRET);
    }
  });

  it('the dashboard API of the cluster’s node names the odd node', async () => {
    const [good] = cluster.nodes;
    const status = await eventually(
      'the odd node to show in membership',
      async () => {
        const body = await cluster.status(good);
        return body.nodes.length === 2 ? body : undefined;
      },
      { timeoutMs: DEADLINE_MS },
    );
    const oddRow = status.nodes.find((n) => n.pid === odd.pid)!;
    const goodRow = status.nodes.find((n) => n.pid === good.pid)!;
    expect(oddRow.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(oddRow.keyFingerprint).not.toBe(goodRow.keyFingerprint);
    expect(status.keys).toEqual({
      fingerprint: goodRow.keyFingerprint,
      clusterFingerprint: goodRow.keyFingerprint,
      selfDiffers: false,
      differingNodes: [oddRow.id],
    });
    expect(JSON.stringify(status)).not.toContain(OTHER_SECRET);
  });

  it('restarted with the cluster’s secret, the node becomes ready', async () => {
    await odd.stop();
    const fixed = new QuorumProcess({ app: cluster.appDir, env: cluster.env, name: 'fixed-node' });
    await fixed.startReady(60_000);
    const status = await cluster.status(cluster.nodes[0]);
    expect(status.keys?.differingNodes).toEqual([]);
  });
});
