import type { FastifyInstance } from 'fastify';

/** What /readyz reports; the node flips it while starting, draining and when the database is unreachable. */
export interface Readiness {
  /** Resolves when the node can serve; rejects (or returns a reason) when it cannot. */
  check(): Promise<{ ready: true } | { ready: false; reason: string }>;
}

export function registerHealth(app: FastifyInstance, readiness: Readiness): void {
  // Liveness, Strapi-compatible: the process answers.
  app.get('/_health', async (_request, reply) => reply.status(204).send());

  app.get('/readyz', async (_request, reply) => {
    const state = await readiness.check();
    reply.header('cache-control', 'no-store');
    if (state.ready) return reply.status(200).send({ status: 'ready' });
    return reply.status(503).send({ status: 'unavailable', reason: state.reason });
  });
}
