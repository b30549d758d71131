import { createHash, hkdfSync } from 'node:crypto';

/** Purposes that get their own key, so one leaked derived key does not expose the others. */
export type KeyPurpose =
  'api-token-hmac' | 'jwt-signing' | 'webhook-secrets' | 'admin-jwt-signing' | 'cluster-fingerprint';

/** Derives a 32-byte key for one purpose from the master secret (HKDF-SHA256). */
export function deriveKey(secret: string, purpose: KeyPurpose, version = 1): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'quorum', `${purpose}:v${version}`, 32));
}

/**
 * What nodes publish in membership so a node started with another QUORUM_SECRET is noticed: a hash of
 * a key derived for this purpose only, shortened. It reveals nothing usable (the key signs nothing and
 * the hash cannot be reversed) and two nodes with the same secret always agree on it.
 */
export function keyFingerprint(secret: string): string {
  return createHash('sha256').update(deriveKey(secret, 'cluster-fingerprint')).digest('hex').slice(0, 16);
}
