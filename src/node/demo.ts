import type { QuorumNode } from './node.js';

const DEMO_TOKEN_NAME = 'demo-read-only';

/**
 * For demo apps: where the node serves and a curl command to try. With `demo.printReadOnlyToken`, also
 * a fresh read-only token for it (the previous one is revoked, since only its hash is stored); otherwise
 * the app is expected to grant Public read access in config/permissions.json.
 */
export async function printDemoAccess(node: QuorumNode, url: string): Promise<void> {
  const local = url
    .replace('0.0.0.0', 'localhost')
    .replace('127.0.0.1', 'localhost')
    .replace('[::]', 'localhost');
  const prefix = node.config.api.rest.prefix;
  const firstCollection = [...node.core.schema().contentTypes.values()].find(
    (t) => t.kind === 'collectionType' && !t.uid.startsWith('plugin::'),
  );
  const path = firstCollection ? `${prefix}/${firstCollection.pluralName}` : prefix;
  const lines = ['', `Quorum is serving ${node.config.appDir} at ${local}`];
  let auth = '';
  if (node.config.demo.printReadOnlyToken) {
    await node.tokens.revoke(DEMO_TOKEN_NAME);
    const { token } = await node.tokens.create({
      name: DEMO_TOKEN_NAME,
      type: 'read-only',
      description: 'printed at start by the demo',
    });
    lines.push(`Read-only API token for this demo (renewed at every start): ${token}`);
    auth = `-H 'Authorization: Bearer ${token}' `;
  }
  lines.push(
    'Try:',
    `  curl -g ${auth}'${local}${path}?sort=publishedAt:desc&pagination[pageSize]=3&populate=*'`,
    '',
  );
  process.stdout.write(lines.join('\n') + '\n');
}
