export { loadConfig, CONFIG_FILE_NAME } from './load.js';
export { resolveSecret } from './secret.js';
export { deriveKey, keyFingerprint, type KeyPurpose } from './keys.js';
export { ConfigError } from './errors.js';
export type { QuorumConfig, ConfigOverrides, DatabaseKind } from './types.js';
