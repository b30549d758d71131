import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { REPO_ROOT, killAllProcesses } from '../helpers/processes.js';

/**
 * Issue 16 ("Hardening from outside"): two nodes started at the same moment on one empty PostgreSQL
 * database, both configured with the blog example's seed file. Without a lock both found the database
 * empty and both loaded the seed (one failing on a unique attribute, authors doubled); the seed must be
 * loaded exactly once across the cluster and both nodes must come up.
 */

const SEED = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/blog/seed.json'), 'utf8')) as Record<
  string,
  unknown
>;
const TABLES: Record<string, string> = {
  'api::author.author': 'authors',
  'api::category.category': 'categories',
  'api::article.article': 'articles',
  'api::global.global': 'globals',
  'api::about.about': 'abouts',
};

describe.skipIf(!postgresAvailable())('seed file on two nodes starting together', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    // TestCluster spawns the nodes at once and fails if either exits before it is ready.
    cluster = await TestCluster.start({
      nodes: 2,
      appSource: 'examples/blog',
      config: { seed: 'seed.json' },
    });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    await killAllProcesses();
  });

  it('both nodes are ready and the database holds exactly the seed, loaded by one node', async () => {
    for (const node of cluster.nodes) expect(node.running, node.tail()).toBe(true);

    for (const [uid, entries] of Object.entries(SEED)) {
      const expected = Array.isArray(entries) ? entries.length : 1;
      const [row] = await cluster.sql<{ documents: number; published: number }>(
        `select count(distinct document_id)::int as documents,
                count(*) filter (where published_at is not null)::int as published
           from ${TABLES[uid]}`,
      );
      expect(row, uid).toEqual({ documents: expected, published: expected });
    }
    const authors = await cluster.sql<{ name: string }>(`select name from authors`);
    expect(authors.map((a) => a.name).sort()).toEqual(
      (SEED['api::author.author'] as { name: string }[]).map((a) => a.name).sort(),
    );

    const loaded = cluster.nodes.map(
      (node) => cluster.logEntries(node, 'loaded seed data into the empty database').length,
    );
    expect(loaded.sort()).toEqual([0, 1]);
  });
});
