import type { RouteHandler } from 'fastify';
import { ADMIN_ACTIONS } from '../../../accounts/actions.js';
import { describeModel } from '../content-type-routes.js';
import { adminOf, type AdminApiDeps } from '../admin-request.js';

// The schema the edit forms need, for any admin (the builder's routes need the builder's permission,
// which editors do not have): the content types the admin may read, and every component.

/** GET /admin/api/content-manager/content-types: the api:: types the admin may read. */
export function contentTypes(deps: AdminApiDeps): RouteHandler {
  const { core } = deps;
  const actions = ADMIN_ACTIONS.content;
  return async (request) => {
    const { ability } = await adminOf(deps, request);
    const types = [...core.schema().contentTypes.values()].filter(
      (t) => t.uid.startsWith('api::') && ability.can(actions.read, t.uid),
    );
    return { data: types.map(describeModel) };
  };
}

/** GET /admin/api/content-manager/components. */
export function components(deps: AdminApiDeps): RouteHandler {
  const { core } = deps;
  return async (request) => {
    await adminOf(deps, request);
    return { data: [...core.schema().components.values()].map(describeModel) };
  };
}
