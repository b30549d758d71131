import { hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import type { PasswordHasher } from '../core/context.js';

/**
 * Strapi's users-permissions stores bcrypt hashes (`$2a$10$…`; `$2b$`/`$2y$` from other bcrypt
 * implementations). Accounts moved over from Strapi keep logging in with them; the login paths replace
 * such a hash with an argon2id one once the password has been verified (see `needsRehash`).
 */
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

// argon2id with the library defaults (19 MiB, 2 passes): OWASP's recommended floor.
export const argon2Passwords: PasswordHasher = {
  hash: (plain) => hash(plain),
  verify: async (hashed, plain) => {
    try {
      // bcryptjs is pure JavaScript and yields to the event loop between rounds.
      if (BCRYPT_HASH.test(hashed)) return await bcrypt.compare(plain, hashed);
      return await verify(hashed, plain);
    } catch {
      return false;
    }
  },
  needsRehash: (hashed) => !hashed.startsWith('$argon2id$'),
};
