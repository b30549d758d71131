import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { killAllProcesses, type QuorumProcess } from '../helpers/processes.js';

/**
 * A locale change made through node A's admin API is what nodes B and C answer at once: three real
 * processes on one PostgreSQL database, configured with en + fr (the config shape), seeded once
 * under the schema lock however the three starts interleave.
 */
describe.skipIf(!postgresAvailable())('locales on three nodes', () => {
  let cluster: TestCluster;
  let a: QuorumProcess;
  let others: QuorumProcess[];
  beforeAll(async () => {
    cluster = await TestCluster.start({
      config: { i18n: { locales: [{ code: 'en', name: 'English (en)', isDefault: true }, { code: 'fr' }] } },
    });
    [a, ...others] = cluster.nodes;
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  const codes = async (node: QuorumProcess) => {
    const response = await cluster.admin(node, 'GET', '/admin/api/i18n/locales');
    expect(response.status, node.name).toBe(200);
    return response.body.map(
      (l: { code: string; isDefault: boolean }) => `${l.code}${l.isDefault ? '*' : ''}`,
    );
  };

  it('seeds the configured locales once', { timeout: 30_000 }, async () => {
    for (const node of cluster.nodes) expect(await codes(node)).toEqual(['en*', 'fr']);
  });

  it(
    'a locale created and made the default through A is what B and C list',
    { timeout: 30_000 },
    async () => {
      const created = await cluster.admin(a, 'POST', '/admin/api/i18n/locales', {
        code: 'de',
        name: 'German (de)',
        isDefault: true,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      for (const node of others) expect(await codes(node), node.name).toEqual(['en', 'fr', 'de*']);
      const deleted = await cluster.admin(others[0], 'DELETE', `/admin/api/i18n/locales/${created.body.id}`);
      expect(deleted.status).toBe(400);
      const fr = (await cluster.admin(a, 'GET', '/admin/api/i18n/locales')).body.find(
        (l: { code: string }) => l.code === 'fr',
      );
      expect((await cluster.admin(others[1], 'DELETE', `/admin/api/i18n/locales/${fr.id}`)).status).toBe(200);
      expect(await codes(a)).toEqual(['en', 'de*']);
    },
  );
});
