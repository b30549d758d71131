import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scryptSync,
  type Cipher,
  type Decipher,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TransferError } from '../errors.js';

/**
 * Strapi's archive encryption (`strapi export --key`), read from @strapi/data-transfer's utils/encryption:
 * the whole archive stream (after gzip) goes through one cipher whose key (and IV, for the CBC variants) is
 * derived from the passphrase with scrypt (Node's default cost). Two layouts exist:
 * - legacy: ciphertext only, the scrypt salt empty;
 * - v2: a header `STRAPI2\0`, a version byte (2), a salt-length byte (16) and the random salt, then the
 *   ciphertext, the key derived with that salt.
 * Strapi's default algorithm is aes-128-ecb (`--key` offers no other), the other three are CBC.
 */
export const ALGORITHMS = ['aes-128-ecb', 'aes128', 'aes192', 'aes256'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export type EncryptionLayout = 'legacy' | 'v2';

const V2_MAGIC = Buffer.from('STRAPI2\0', 'latin1');
const V2_VERSION = 2;
const V2_SALT_LENGTH = 16;
const V2_HEADER_LENGTH = V2_MAGIC.length + 2 + V2_SALT_LENGTH;

/**
 * Salts a legacy (headerless) archive may have been derived with: empty in Strapi's releases, and the fixed
 * string one development line of @strapi/data-transfer used. Which one is found from the first block.
 */
const LEGACY_SALTS = ['', 'strapi-data-transfer'];

/** Key and IV lengths: the IV is the derived bytes after the key (none for ECB). */
const KEY_SHAPES: Record<Algorithm, { key: number; iv: number }> = {
  'aes-128-ecb': { key: 16, iv: 0 },
  aes128: { key: 16, iv: 16 },
  aes192: { key: 24, iv: 16 },
  aes256: { key: 32, iv: 16 },
};

/** Strapi's key derivation: scrypt(passphrase, salt, key length + IV length), split into key and IV. */
export function deriveKey(
  passphrase: string,
  algorithm: Algorithm,
  salt: Buffer | string,
): { key: Buffer; iv: Buffer | null } {
  const shape = KEY_SHAPES[algorithm];
  const derived = scryptSync(passphrase, salt, shape.key + shape.iv);
  return { key: derived.subarray(0, shape.key), iv: shape.iv ? derived.subarray(shape.key) : null };
}

function cipherFor(passphrase: string, algorithm: Algorithm, salt: Buffer | string): Cipher {
  const { key, iv } = deriveKey(passphrase, algorithm, salt);
  return createCipheriv(algorithm, key, iv);
}

function decipherFor(passphrase: string, algorithm: Algorithm, salt: Buffer | string): Decipher {
  const { key, iv } = deriveKey(passphrase, algorithm, salt);
  return createDecipheriv(algorithm, key, iv);
}

/**
 * Encrypts a stream as Strapi does. The default layout is legacy, what Strapi 5.54 writes and the only one
 * it reads; v2 (the salted header of later Strapi versions) on request.
 */
export function createEncryptStream(options: {
  key: string;
  algorithm?: Algorithm;
  layout?: EncryptionLayout;
}): Transform {
  const algorithm = options.algorithm ?? 'aes-128-ecb';
  if ((options.layout ?? 'legacy') === 'legacy') return cipherFor(options.key, algorithm, '');
  const salt = randomBytes(V2_SALT_LENGTH);
  const header = Buffer.concat([V2_MAGIC, Buffer.from([V2_VERSION, V2_SALT_LENGTH]), salt]);
  const cipher = cipherFor(options.key, algorithm, salt);
  let headerSent = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const out = cipher.update(chunk);
      if (headerSent) return callback(null, out);
      headerSent = true;
      callback(null, Buffer.concat([header, out]));
    },
    flush(callback: TransformCallback) {
      if (!headerSent) this.push(header);
      callback(null, cipher.final());
    },
  });
}

/**
 * Whether `plain` (the first decrypted block) looks like the start of an archive: gzip's magic, or a tar
 * header's entry name (printable ASCII, then NULs). A wrong key gives random bytes, which fail this with
 * overwhelming likelihood; it is how a headerless archive's salt is chosen and a wrong key is named as such.
 */
export function looksLikeArchiveStart(plain: Buffer): boolean {
  if (plain.length >= 2 && plain[0] === 0x1f && plain[1] === 0x8b) return true;
  if (plain.length === 0 || plain[0] === 0) return false;
  let i = 0;
  while (i < plain.length && plain[i] >= 0x20 && plain[i] < 0x7f) i++;
  while (i < plain.length && plain[i] === 0) i++;
  return i === plain.length;
}

function wrongKey(): TransferError {
  return new TransferError(
    'the archive could not be decrypted: the key is wrong, or the file is not a Strapi export',
  );
}

interface Layout {
  salts: (Buffer | string)[];
  /** Where the ciphertext starts. */
  offset: number;
}

/** Which layout the first bytes announce: a v2 header gives the salt, otherwise the legacy salts. */
function layoutOf(head: Buffer): Layout {
  const magic = head.subarray(0, V2_MAGIC.length).equals(V2_MAGIC);
  if (magic && head[V2_MAGIC.length] === V2_VERSION && head[V2_MAGIC.length + 1] === V2_SALT_LENGTH)
    return { salts: [head.subarray(V2_MAGIC.length + 2, V2_HEADER_LENGTH)], offset: V2_HEADER_LENGTH };
  return { salts: LEGACY_SALTS, offset: 0 };
}

const BLOCK = 16;

/** The salt whose key turns the first ciphertext block into the start of an archive. */
function saltFor(head: Buffer, layout: Layout, key: string, algorithm: Algorithm): Buffer | string {
  const first = head.subarray(layout.offset, layout.offset + BLOCK);
  for (const salt of layout.salts) {
    if (first.length < BLOCK) return salt;
    const probe = decipherFor(key, algorithm, salt);
    probe.setAutoPadding(false);
    if (looksLikeArchiveStart(probe.update(first))) return salt;
  }
  throw wrongKey();
}

/**
 * The first plaintext block of an encrypted archive whose first bytes are `head` (at least the header and
 * one block): what the reader looks at to know whether a gzip is inside. Throws when the key is wrong.
 */
export function firstPlainBlock(head: Buffer, key: string, algorithm: Algorithm = 'aes-128-ecb'): Buffer {
  const layout = layoutOf(head);
  const decipher = decipherFor(key, algorithm, saltFor(head, layout, key, algorithm));
  decipher.setAutoPadding(false);
  return decipher.update(head.subarray(layout.offset, layout.offset + BLOCK));
}

/**
 * Decrypts a Strapi-encrypted stream of either layout. A wrong key is reported as one (the first block is
 * checked with `looksLikeArchiveStart`), not as a tar or gzip error further down.
 */
export function createDecryptStream(options: { key: string; algorithm?: Algorithm }): Transform {
  const algorithm = options.algorithm ?? 'aes-128-ecb';
  let decipher: Decipher | null = null;
  let pending = Buffer.alloc(0);

  /** Picks the decipher once the header (if any) and one block are in, or at the end. */
  const resolve = (final: boolean): Buffer | null => {
    const magic = pending.subarray(0, V2_MAGIC.length).equals(V2_MAGIC);
    if (pending.length < (magic ? V2_HEADER_LENGTH : 0) + BLOCK && !final) return null;
    const layout = layoutOf(pending);
    decipher = decipherFor(options.key, algorithm, saltFor(pending, layout, options.key, algorithm));
    const body = pending.subarray(layout.offset);
    pending = Buffer.alloc(0);
    return decipher.update(body);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (decipher) return callback(null, decipher.update(chunk));
        pending = Buffer.concat([pending, chunk]);
        callback(null, resolve(false) ?? undefined);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!decipher) {
          if (pending.length === 0) return callback();
          const out = resolve(true);
          if (out?.length) this.push(out);
        }
        callback(null, decipher!.final());
      } catch (error) {
        callback(error instanceof TransferError ? error : wrongKey());
      }
    },
  });
}
