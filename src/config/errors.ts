/** A configuration problem found at start. The message names the key or file; the process should not start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
