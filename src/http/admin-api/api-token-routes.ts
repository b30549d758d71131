import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import type { ApiTokenType } from '../../auth/api-tokens.js';
import { createApiTokenBody, updateApiTokenBody } from './bodies.js';
import { ADMIN_PREFIX, idParam, parseBody, requireAdmin, type AdminApiDeps } from './admin-request.js';

type IdParams = { id: string };
const NOT_FOUND = 'API token not found';

/**
 * API tokens for the content API. The secret (`accessKey`) appears once, in the answer to create or
 * regenerate; the database keeps only its HMAC.
 */
export const apiTokenRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { apiTokens } = deps.admin;
  const actions = ADMIN_ACTIONS.apiTokens;
  const base = `${ADMIN_PREFIX}/api-tokens`;

  app.get(base, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await apiTokens.list() };
  });

  app.post(base, async (request, reply) => {
    const { ability } = await requireAdmin(deps, request, actions.create);
    const body = parseBody(createApiTokenBody, request.body);
    const { token, accessKey } = await apiTokens.create(ability, {
      ...body,
      type: body.type as ApiTokenType,
    });
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ data: { ...token, accessKey } });
  });

  app.get<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await apiTokens.get(idParam(request.params.id, NOT_FOUND)) };
  });

  app.put<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    const { ability } = await requireAdmin(deps, request, actions.update);
    const id = idParam(request.params.id, NOT_FOUND);
    const body = parseBody(updateApiTokenBody, request.body);
    const changes = { ...body, type: body.type as ApiTokenType | undefined };
    return { data: await apiTokens.update(ability, id, changes) };
  });

  app.delete<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.delete);
    return { data: await apiTokens.remove(idParam(request.params.id, NOT_FOUND)) };
  });

  app.post<{ Params: IdParams }>(`${base}/:id/regenerate`, async (request, reply) => {
    const { ability } = await requireAdmin(deps, request, actions.regenerate);
    const id = idParam(request.params.id, NOT_FOUND);
    const { token, accessKey } = await apiTokens.regenerate(ability, id);
    reply.header('cache-control', 'no-store');
    return { data: { ...token, accessKey } };
  });
};
