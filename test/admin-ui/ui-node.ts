import type { DatabaseKind } from '../helpers/databases.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

export interface UiNode extends TestNode {
  /** http://127.0.0.1:port of the listening node. */
  readonly url: string;
}

/**
 * A node (on SQLite by default) that listens on a free port, for a browser to talk to (a fixture app: `kitchen` has
 * every scalar type, `relations` relations, components and dynamic zones); login throttling is relaxed.
 */
export async function startUiNode(
  config: Record<string, unknown> = {},
  app = 'kitchen',
  kind: DatabaseKind = 'sqlite',
): Promise<UiNode> {
  const node = await startTestNode({
    kind,
    app,
    env: { PORT: '0', HOST: '127.0.0.1' },
    config: { rateLimit: { auth: { max: 100000 } }, bruteForce: { maxFailures: 100000 }, ...config },
  });
  const url = await node.node.listen();
  return { ...node, url };
}

/**
 * Creates the first admin through the API and returns a script that puts its session in the page's
 * storage, so a test starts logged in (the setup and login screens have their own test).
 */
export async function adminSession(node: UiNode): Promise<{ auth: string; init: string }> {
  const response = await node.request({
    method: 'POST',
    url: '/admin/api/register-admin',
    body: { email: 'editor@example.com', password: 'Correct-horse-9', firstname: 'Edith' },
    auth: 'none',
  });
  if (response.status !== 200) throw new Error(response.body);
  const { token, refreshToken } = response.json().data;
  return {
    auth: `Bearer ${token}`,
    // Runs before every page load: only the first may set it (refresh tokens are single-use and rotate).
    init: `localStorage.getItem('quorum.admin.refreshToken') || localStorage.setItem('quorum.admin.refreshToken', ${JSON.stringify(refreshToken)})`,
  };
}
