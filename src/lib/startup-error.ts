/**
 * Something around the node stops it from starting — a port in use, a database that cannot be
 * reached or does not exist — that the operator fixes, not the code. The message is one line with
 * the cause and a hint; the CLI prints it without a stack and exits non-zero. Never put a secret or a
 * full database URL (it may hold a password) in it.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
