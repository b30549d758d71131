import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { validationErrors } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import type { DeliveryStatus } from '../../webhooks/tables.js';
import {
  ADMIN_PREFIX,
  idParam,
  pageQuery,
  parseBody,
  requireAdmin,
  type AdminApiDeps,
} from './admin-request.js';
import { createWebhookBody, deliveryStatus, replayBody, updateWebhookBody } from './webhook-bodies.js';

type IdParams = { id: string };
const NOT_FOUND = 'Webhook not found';

/**
 * Webhooks: CRUD, the delivery log, replays and test events. A webhook's secret appears once, in the
 * answer to create or to `POST /:id/secret` (regenerate); it is stored encrypted.
 */
export const webhookRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const store = deps.webhooks;
  const actions = ADMIN_ACTIONS.webhooks;
  const base = `${ADMIN_PREFIX}/webhooks`;
  const id = (request: FastifyRequest<{ Params: IdParams }>) => idParam(request.params.id, NOT_FOUND);

  app.get(base, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await store.list() };
  });

  app.post(base, async (request, reply) => {
    await requireAdmin(deps, request, actions.create);
    const { webhook, secret } = await store.create(parseBody(createWebhookBody, request.body));
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ data: { ...webhook, secret } });
  });

  app.get<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await store.get(id(request)) };
  });

  app.put<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.update);
    const webhookId = id(request);
    return { data: await store.update(webhookId, parseBody(updateWebhookBody, request.body)) };
  });

  app.delete<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.delete);
    return { data: await store.remove(id(request)) };
  });

  app.post<{ Params: IdParams }>(`${base}/:id/secret`, async (request, reply) => {
    await requireAdmin(deps, request, actions.update);
    const { webhook, secret } = await store.regenerateSecret(id(request));
    reply.header('cache-control', 'no-store');
    return { data: { ...webhook, secret } };
  });

  app.get<{ Params: IdParams }>(`${base}/:id/deliveries`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    const webhookId = id(request);
    const { page, pageSize } = pageQuery(request.query);
    return {
      data: await store.deliveries(webhookId, { page, pageSize, status: statusFilter(request.query) }),
    };
  });

  app.post<{ Params: IdParams & { deliveryId: string } }>(
    `${base}/:id/deliveries/:deliveryId/replay`,
    async (request) => {
      await requireAdmin(deps, request, actions.update);
      const webhookId = id(request);
      const deliveryId = idParam(request.params.deliveryId, 'Delivery not found');
      return { data: await store.replayOne(webhookId, deliveryId) };
    },
  );

  app.post<{ Params: IdParams }>(`${base}/:id/replay`, async (request) => {
    await requireAdmin(deps, request, actions.update);
    const webhookId = id(request);
    const filter = parseBody(replayBody, request.body);
    return { data: { replayed: await store.replayMany(webhookId, filter) } };
  });

  app.post<{ Params: IdParams }>(`${base}/:id/test`, async (request, reply) => {
    await requireAdmin(deps, request, actions.update);
    const traceparent = request.headers.traceparent;
    const result = await store.test(id(request), {
      requestId: request.id,
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    });
    return reply.status(202).send({ data: result });
  });
};

/** `?status=` of the delivery list: one of the delivery statuses, else a 400. */
function statusFilter(query: unknown): DeliveryStatus | undefined {
  const raw = isPlainObject(query) ? query.status : undefined;
  if (raw === undefined || raw === '') return undefined;
  const parsed = deliveryStatus.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw validationErrors([
    { path: ['status'], message: `status ${parsed.error.issues[0].message}`, name: 'ValidationError' },
  ]);
}
