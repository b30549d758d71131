import { startTestNode, type TestNode } from '../helpers/node.js';

export interface UiNode extends TestNode {
  /** http://127.0.0.1:port of the listening node. */
  readonly url: string;
}

/**
 * A node on SQLite that listens on a free port, for a browser to talk to. The kitchen fixture has
 * collection and single types, components, relations and a dynamic zone; login throttling is relaxed.
 */
export async function startUiNode(config: Record<string, unknown> = {}): Promise<UiNode> {
  const node = await startTestNode({
    kind: 'sqlite',
    app: 'kitchen',
    env: { PORT: '0', HOST: '127.0.0.1' },
    config: { rateLimit: { auth: { max: 100000 } }, bruteForce: { maxFailures: 100000 }, ...config },
  });
  const url = await node.node.listen();
  return { ...node, url };
}
