import { hkdfSync } from 'node:crypto';

/** Purposes that get their own key, so one leaked derived key does not expose the others. */
export type KeyPurpose = 'api-token-hmac' | 'jwt-signing' | 'webhook-secrets' | 'admin-jwt-signing';

/** Derives a 32-byte key for one purpose from the master secret (HKDF-SHA256). */
export function deriveKey(secret: string, purpose: KeyPurpose, version = 1): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'quorum', `${purpose}:v${version}`, 32));
}
