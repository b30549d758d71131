import type { QuorumNode } from './node.js';

const DEMO_TOKEN_NAME = 'demo-read-only';

/**
 * For demo apps: a fresh read-only token at every start (the previous one is revoked, since only its
 * hash is stored) and a curl command to try it.
 */
export async function printDemoAccess(node: QuorumNode, url: string): Promise<void> {
  await node.tokens.revoke(DEMO_TOKEN_NAME);
  const { token } = await node.tokens.create({
    name: DEMO_TOKEN_NAME,
    type: 'read-only',
    description: 'printed at start by the demo',
  });
  const local = url.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const prefix = node.config.api.rest.prefix;
  const firstCollection = [...node.core.schema().contentTypes.values()].find(
    (t) => t.kind === 'collectionType',
  );
  const path = firstCollection ? `${prefix}/${firstCollection.pluralName}` : prefix;
  process.stdout.write(
    [
      '',
      `Quorum is serving ${node.config.appDir} at ${local}`,
      `Read-only API token for this demo (renewed at every start): ${token}`,
      'Try:',
      `  curl -g -H 'Authorization: Bearer ${token}' '${local}${path}?sort=publishedAt:desc&pagination[pageSize]=3'`,
      '',
    ].join('\n') + '\n',
  );
}
