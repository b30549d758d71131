import { createServer } from 'node:net';
import { StartupError } from '../lib/startup-error.js';

/**
 * Fails fast when the node could not listen: checked before the database is touched, so a port in
 * use does not cost a migration, a seed or a leader election first. The port is bound and released at
 * once; another process can still take it before the node listens, and `listenError` words that case
 * the same way.
 */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return; // the system picks a free one
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenError(err, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A listen failure as one line with a hint, or the error itself when it is not one of those. */
export function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${port} is already in use (${where}): stop the process holding it, or choose another port with --port or PORT`,
      );
    case 'EACCES':
      return new StartupError(
        `not allowed to listen on ${where}: ports below 1024 need privileges; choose another with --port or PORT`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(
        `cannot listen on ${where}: ${host} is not an address of this machine; set --host or HOST (e.g. 0.0.0.0)`,
      );
    default:
      return err;
  }
}
