import { ConfigError } from './errors.js';

/** The placeholders deploy/ ships (.env.example, kubernetes/secret.yaml) all say "change me". */
const PLACEHOLDER = /change[-_ ]?me/i;

/**
 * Refuses a value copied from the deployment templates unchanged: a cluster must not run on a secret
 * anyone can read in this repository. The message names the variable, never the value.
 */
export function refusePlaceholder(name: string, value: string | undefined): void {
  if (value !== undefined && PLACEHOLDER.test(value))
    throw new ConfigError(
      `${name} is still the placeholder of the deployment templates (deploy/): set a real value${
        name === 'QUORUM_SECRET' ? ' (e.g. `openssl rand -hex 32`)' : ''
      }`,
    );
}
