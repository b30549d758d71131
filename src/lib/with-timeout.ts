/**
 * Settles like `promise`, or rejects after `ms` if it has not settled by then. The promise itself keeps
 * running: use it where waiting longer is the problem (a readiness probe, a lease renewal that must not
 * outlive the lease), not to cancel work.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
