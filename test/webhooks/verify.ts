import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/processes.js';

export type Verifier = (
  secret: string,
  rawBody: string,
  header: string,
  toleranceSeconds?: number,
) => boolean;

/**
 * The verification snippet of README.md ("Verifying a delivery"), taken from the README itself and
 * imported as a module: the tests check real deliveries with exactly the code receivers are told to paste.
 */
export async function readmeVerifier(): Promise<Verifier> {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Verifying a delivery'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no js snippet under "Verifying a delivery"');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'quorum-verify-')), 'verify.mjs');
  writeFileSync(file, code);
  const module = (await import(pathToFileURL(file).href)) as { verifyQuorumSignature: Verifier };
  return module.verifyQuorumSignature;
}
