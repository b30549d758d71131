import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../core/context.js';

// argon2id with the library defaults (19 MiB, 2 passes): OWASP's recommended floor.
export const argon2Passwords: PasswordHasher = {
  hash: (plain) => hash(plain),
  verify: async (hashed, plain) => {
    try {
      return await verify(hashed, plain);
    } catch {
      return false;
    }
  },
};
