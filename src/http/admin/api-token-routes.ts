import type { FastifyInstance } from 'fastify';
import { ADMIN_ACTIONS } from '../../admin/actions.js';
import type { ApiTokenType } from '../../auth/api-tokens.js';
import { createApiTokenBody, updateApiTokenBody } from './bodies.js';
import { ADMIN_PREFIX, idParam, parseBody, requireAdmin, type AdminApiDeps } from './context.js';

type IdParams = { id: string };
const NOT_FOUND = 'API token not found';

/**
 * API tokens for the content API. The secret (`accessKey`) appears once, in the answer to create or
 * regenerate; the database keeps only its HMAC.
 */
export function registerApiTokenRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  const { apiTokens } = deps.admin;
  const actions = ADMIN_ACTIONS.apiTokens;
  const base = `${ADMIN_PREFIX}/api-tokens`;

  app.get(base, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await apiTokens.list() };
  });

  app.post(base, async (request, reply) => {
    await requireAdmin(deps, request, actions.create);
    const body = parseBody(createApiTokenBody, request.body);
    const { token, accessKey } = await apiTokens.create({ ...body, type: body.type as ApiTokenType });
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ data: { ...token, accessKey } });
  });

  app.get<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await apiTokens.get(idParam(request.params.id, NOT_FOUND)) };
  });

  app.put<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.update);
    const id = idParam(request.params.id, NOT_FOUND);
    const body = parseBody(updateApiTokenBody, request.body);
    return { data: await apiTokens.update(id, { ...body, type: body.type as ApiTokenType | undefined }) };
  });

  app.delete<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.delete);
    return { data: await apiTokens.remove(idParam(request.params.id, NOT_FOUND)) };
  });

  app.post<{ Params: IdParams }>(`${base}/:id/regenerate`, async (request, reply) => {
    await requireAdmin(deps, request, actions.regenerate);
    const { token, accessKey } = await apiTokens.regenerate(idParam(request.params.id, NOT_FOUND));
    reply.header('cache-control', 'no-store');
    return { data: { ...token, accessKey } };
  });
}
