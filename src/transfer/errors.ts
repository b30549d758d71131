/**
 * A problem with an archive or with what it asks of the target (a bad line, a wrong key, a missing file):
 * the CLI prints its message as one line and exits non-zero. `where` names the archive file and line when
 * the problem is one line's.
 */
export class TransferError extends Error {
  override readonly name = 'TransferError';

  constructor(
    message: string,
    readonly where?: { file: string; line: number },
  ) {
    super(where ? `${where.file}:${where.line}: ${message}` : message);
  }
}
