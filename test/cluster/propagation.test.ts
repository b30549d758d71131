import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NO_FALLBACK_CONFIG, TestCluster, deepMerge, eventually } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses, type QuorumProcess } from '../helpers/processes.js';
import { PrivateRedis } from '../helpers/redis.js';

/**
 * Changes made through node A's admin API take effect on nodes B and C: a new content type, a revoked
 * API token, a role's permissions, a content write that retires the answers B and C cached — with the
 * PostgreSQL LISTEN/NOTIFY bus and with the Redis bus.
 * Caches and periodic resyncs are set to outlive the test (NO_FALLBACK_CONFIG), so only the bus can
 * explain what B and C learn. Deadlines are generous; the speed is measured in bench/cluster.mjs.
 */

const GADGET = {
  kind: 'collectionType',
  collectionName: 'gadgets',
  info: { singularName: 'gadget', pluralName: 'gadgets', displayName: 'Gadget' },
  options: { draftAndPublish: false },
  attributes: { name: { type: 'string', required: true } },
};

function propagationSuite(bus: 'postgres' | 'redis'): void {
  // Each test waits for other nodes with generous deadlines.
  const timeout = 60_000;
  let cluster: TestCluster;
  let redis: PrivateRedis | undefined;
  let a: QuorumProcess;
  let others: QuorumProcess[];

  beforeAll(async () => {
    // A private Redis, so no other test's cluster shares the channel.
    if (bus === 'redis') redis = await PrivateRedis.start();
    // The response cache is on (it is off by default on PostgreSQL) and never expires during the test.
    const config = deepMerge(NO_FALLBACK_CONFIG, { cache: { responses: { enabled: true, ttlMs: 600_000 } } });
    cluster = await TestCluster.start({ config, redisUrl: redis?.url });
    [a, ...others] = cluster.nodes;
  });
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
    await killAllProcesses();
  });

  it(`runs on the ${bus} bus`, { timeout }, async () => {
    for (const node of cluster.nodes) expect((await cluster.status(node)).bus.kind, node.name).toBe(bus);
  });

  it('a content type created through node A answers on nodes B and C', { timeout }, async () => {
    const { authorization } = await cluster.createApiToken(a);
    for (const node of others)
      expect((await cluster.api(node, 'GET', '/api/gadgets', authorization)).status, node.name).toBe(404);

    const created = await cluster.admin(a, 'POST', '/admin/api/content-types', {
      uid: 'api::gadget.gadget',
      definition: GADGET,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await cluster.api(a, 'GET', '/api/gadgets', authorization)).status).toBe(200);

    await Promise.all(
      others.map((node) =>
        eventually(`GET /api/gadgets on ${node.name} answers 200`, async () =>
          (await cluster.api(node, 'GET', '/api/gadgets', authorization)).status === 200 ? true : undefined,
        ),
      ),
    );
    for (const node of others) {
      const write = await cluster.api(node, 'POST', '/api/gadgets', authorization, {
        data: { name: `made on ${node.name}` },
      });
      expect(write.status, JSON.stringify(write.body)).toBe(201);
    }
    const list = await cluster.api(a, 'GET', '/api/gadgets?sort=name', authorization);
    expect(list.body.data.map((g: { name: string }) => g.name)).toEqual(
      others.map((n) => `made on ${n.name}`),
    );
  });

  it('a write through node A retires the answers nodes B and C cached', { timeout }, async () => {
    const { authorization } = await cluster.createApiToken(a);
    const url = '/api/tags?sort=name&filters[name][$startsWith]=cached-';
    const names = async (node: QuorumProcess) => {
      const response = await cluster.api(node, 'GET', url, authorization);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.data.map((tag: { name: string }) => tag.name);
    };
    // Every node answers from its cache (once announcements of earlier tests' writes have settled).
    const cached = (node: QuorumProcess) => async () => {
      const response = await cluster.api(node, 'GET', url, authorization);
      return response.headers.get('x-quorum-cache') === 'hit' ? response.body.data : undefined;
    };
    for (const node of cluster.nodes)
      expect(await eventually(`${node.name} answers from its cache`, cached(node))).toEqual([]);

    const created = await cluster.api(a, 'POST', '/api/tags', authorization, { data: { name: 'cached-1' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The writing node retired its own answer before it answered the write.
    expect(await names(a)).toEqual(['cached-1']);
    await Promise.all(
      others.map((node) =>
        eventually(`the new tag is listed on ${node.name}`, async () =>
          (await names(node)).length === 1 ? true : undefined,
        ),
      ),
    );
    // And cached again there, with the new content.
    for (const node of others) {
      const data = await eventually(`${node.name} caches the new answer`, cached(node));
      expect(data.map((tag: { name: string }) => tag.name)).toEqual(['cached-1']);
    }
  });

  it('an API token revoked through node A is rejected on every node', { timeout }, async () => {
    const token = await cluster.createApiToken(a, 'read-only');
    // Every node has verified (and cached) the token.
    for (const node of cluster.nodes)
      expect((await cluster.api(node, 'GET', '/api/tags', token.authorization)).status, node.name).toBe(200);

    const revoked = await cluster.admin(a, 'DELETE', `/admin/api/api-tokens/${token.id}`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect((await cluster.api(a, 'GET', '/api/tags', token.authorization)).status).toBe(401);
    await Promise.all(
      others.map((node) =>
        eventually(`the revoked token is rejected on ${node.name}`, async () =>
          (await cluster.api(node, 'GET', '/api/tags', token.authorization)).status === 401
            ? true
            : undefined,
        ),
      ),
    );
  });

  it(
    "a change to a role's permissions through node A takes effect on nodes B and C",
    { timeout },
    async () => {
      const roles = await cluster.admin(a, 'GET', '/admin/api/users-permissions/roles');
      const publicRole = roles.body.data.find((r: { type: string }) => r.type === 'public');
      const rolePath = `/admin/api/users-permissions/roles/${publicRole.documentId}`;
      const current = (await cluster.admin(a, 'GET', rolePath)).body.data.permissions as Array<{
        action: string;
        conditions: Record<string, unknown> | null;
      }>;
      const grants = current.map(({ action, conditions }) => ({ action, conditions }));
      const setGrants = async (permissions: typeof grants) => {
        const response = await cluster.admin(a, 'PUT', rolePath, { permissions });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
      };
      const publicStatus = (node: QuorumProcess) => (expected: number) => async () =>
        (await cluster.api(node, 'GET', '/api/tags')).status === expected ? true : undefined;

      // Nobody may list tags yet; every node has loaded (and cached) the Public role's permissions.
      for (const node of cluster.nodes)
        expect((await cluster.api(node, 'GET', '/api/tags')).status).toBe(403);

      await setGrants([...grants, { action: 'api::tag.tag.find', conditions: null }]);
      await Promise.all(
        others.map((node) => eventually(`Public may list tags on ${node.name}`, publicStatus(node)(200))),
      );

      // And back: taking a permission away is the change that must not lag.
      await setGrants(grants);
      await Promise.all(
        others.map((node) =>
          eventually(`Public may no longer list tags on ${node.name}`, publicStatus(node)(403)),
        ),
      );
    },
  );
}

describe.skipIf(!postgresAvailable())('propagation through the PostgreSQL bus (three nodes)', () => {
  propagationSuite('postgres');
});

describe.skipIf(!postgresAvailable() || inject('redisUrl') === null)(
  'propagation through the Redis bus (three nodes, private Redis)',
  () => {
    propagationSuite('redis');
  },
);
