import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { deriveKey, type KeyPurpose } from '../config/index.js';

/**
 * HS256 JSON Web Tokens whose signing keys are derived from QUORUM_SECRET per purpose and version.
 * The key id (`kid`) names the version, so the current key can be rotated (new tokens are signed with
 * the new version) while tokens signed with older, still-accepted versions keep working.
 */
export class JwtKeys {
  readonly #keys = new Map<string, Uint8Array>();
  readonly #current: string;

  constructor(
    secret: string,
    private readonly purpose: KeyPurpose,
    options: { currentVersion: number; acceptedVersions: readonly number[] },
  ) {
    const versions = new Set([options.currentVersion, ...options.acceptedVersions]);
    for (const version of versions)
      this.#keys.set(kidOf(purpose, version), new Uint8Array(deriveKey(secret, purpose, version)));
    this.#current = kidOf(purpose, options.currentVersion);
  }

  async sign(
    claims: Record<string, unknown>,
    options: ({ expiresIn: string | number } | { expiresAt: Date }) & { subject?: string },
  ): Promise<string> {
    // `expiresIn` is a duration (a number counts seconds); jose itself would read a number as a date.
    const expiry =
      'expiresAt' in options
        ? options.expiresAt
        : typeof options.expiresIn === 'number'
          ? `${options.expiresIn}s`
          : options.expiresIn;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: this.#current, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(expiry);
    if (options.subject) jwt.setSubject(options.subject);
    return jwt.sign(this.#keys.get(this.#current)!);
  }

  /** The verified payload, or null for anything that is not a valid, unexpired token signed by an accepted key. */
  async verify(token: string): Promise<Record<string, unknown> | null> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return null;
    }
    const key = kid ? this.#keys.get(kid) : undefined;
    if (!key) return null;
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      return payload as Record<string, unknown>;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return null;
      throw err;
    }
  }
}

function kidOf(purpose: KeyPurpose, version: number): string {
  return `${purpose}-v${version}`;
}

/** A compact JWS has three base64url parts; API tokens are hex: cheap to tell apart before any lookup. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
