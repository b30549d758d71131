import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { FAST_CLUSTER_CONFIG } from '../helpers/cluster.js';
import { postgresAvailable } from '../helpers/databases.js';
import { TEST_SECRET } from '../helpers/node.js';
import { ensureAdminBuilt, launchBrowser, newPage, screenshot } from './browser.js';
import { adminSession, startUiNode, type UiNode } from './ui-node.js';

// Two nodes in this process on one PostgreSQL database (SQLite is a single-node store).
describe.runIf(postgresAvailable())('admin UI: cluster dashboard with two nodes', () => {
  let first: UiNode;
  let second: QuorumNode;
  let browser: Browser;
  let page: Page;
  let admin: { auth: string; init: string };

  beforeAll(async () => {
    ensureAdminBuilt();
    [first, browser] = await Promise.all([
      startUiNode(FAST_CLUSTER_CONFIG, 'kitchen', 'postgres'),
      launchBrowser(),
    ]);
    const env = { DATABASE_URL: first.db.url, QUORUM_SECRET: TEST_SECRET, PORT: '0', HOST: '127.0.0.1' };
    second = await createNode(loadConfig({ appDir: first.appDir, env }), {
      logger: pino({ level: 'silent' }),
      env,
    });
    await second.listen();
    admin = await adminSession(first);
    page = await newPage(browser, first.url);
    await page.addInitScript(admin.init);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await second?.stop({ drainMs: 0 });
    await first?.close();
  });

  it('summarizes this node’s metrics as JSON for an admin with cluster.read', async () => {
    const res = await first.request({ url: '/admin/api/cluster/metrics', auth: admin.auth });
    expect(res.status, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ available: true, requests: expect.any(Number) });
    expect((await first.request({ url: '/admin/api/cluster/metrics', auth: 'none' })).status).toBe(401);
  });

  it('shows both nodes, the leader with its fencing token, and live charts', async () => {
    await page.goto('/admin/cluster');
    await page.getByRole('heading', { name: 'Cluster' }).waitFor();
    // Both nodes heartbeat into the shared table; the dashboard polls until it sees them.
    await page.getByText('2 / 2').waitFor();
    await expect.poll(() => page.getByText('Alive', { exact: true }).count()).toBe(2);
    await page.getByText(/Fencing token \d+/).waitFor();
    // Two polls make the first rate: the charts replace their skeletons.
    await page.getByRole('region', { name: 'Requests per second' }).locator('.recharts-surface').waitFor();
    if (process.env.QUORUM_SCREENSHOTS === '1') {
      // For the docs: writes (announced on the bus: latency samples) and reads, spread over several
      // polls so the rate charts draw lines.
      for (let i = 0; i < 10; i++) {
        await first.request({ method: 'POST', url: '/api/articles', body: { data: { title: `Post ${i}` } } });
        for (let j = 0; j < 5; j++) await first.request({ url: '/api/articles' });
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      const curve = page.getByRole('region', { name: 'Requests per second' }).locator('.recharts-line-curve');
      await expect
        .poll(async () => /[LC]/.test((await curve.first().getAttribute('d')) ?? ''), { timeout: 20_000 })
        .toBe(true);
      await screenshot(page, 'cluster', { fullPage: true });
    }
  });
});
