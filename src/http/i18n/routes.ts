import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { I18N_ACTIONS } from '../../auth/users-permissions/actions.js';
import { ISO_LOCALES } from '../../core/locales/iso-locales.js';
import type { LocaleStore } from '../../core/locales/store.js';
import { parseCreateLocale, parseUpdateLocale } from '../../core/locales/validate.js';
import { ADMIN_PREFIX, idParam, requireAdmin, type AdminApiDeps } from '../admin-api/admin-request.js';

export interface LocaleRouteDeps extends AdminApiDeps {
  readonly locales: LocaleStore;
}

type IdParams = { id: string };
const NOT_FOUND = 'locale.notFound';

/**
 * Strapi's i18n routes: the content API's `GET /api/i18n/locales` (the `listLocales` permission, as a
 * Strapi role grants it), and its admin routes `/i18n/locales…` and `/i18n/iso-locales` under Quorum's
 * admin prefix, guarded by `plugin::i18n.locale.*`. Answers are bare JSON, as Strapi's (no `data`).
 */
export const localeRoutes: FastifyPluginAsync<LocaleRouteDeps> = async (app, deps) => {
  const { locales, auth, restPrefix } = deps;
  const actions = ADMIN_ACTIONS.locales;
  const base = `${ADMIN_PREFIX}/i18n/locales`;

  // Query parameters are ignored, as Strapi does (recorded locales-content-api-locale-fr.json).
  app.get(`${restPrefix}/i18n/locales`, async (request) => {
    await auth.authorize(await auth.authenticate(request.headers.authorization), I18N_ACTIONS.listLocales);
    return locales.list();
  });

  app.get(base, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return locales.list();
  });

  // 200, not 201, as Strapi answers (admin-locales-create.json).
  app.post(base, async (request) => {
    await requireAdmin(deps, request, actions.create);
    return locales.create(parseCreateLocale(request.body));
  });

  app.put<{ Params: IdParams }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.update);
    const id = idParam(request.params.id, NOT_FOUND);
    return locales.update(id, parseUpdateLocale(request.body));
  });

  // `?dryRun=true` answers what the delete would remove (`content`: documents per type) and removes nothing.
  app.delete<{ Params: IdParams; Querystring: { dryRun?: string } }>(`${base}/:id`, async (request) => {
    await requireAdmin(deps, request, actions.delete);
    const dryRun = request.query.dryRun === 'true';
    return locales.remove(idParam(request.params.id, NOT_FOUND), { dryRun });
  });

  app.get(`${ADMIN_PREFIX}/i18n/iso-locales`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return ISO_LOCALES;
  });
};
