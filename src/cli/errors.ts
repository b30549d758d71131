/** A problem the user can fix (a bad flag, an unknown token name): one clear line on stderr, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
