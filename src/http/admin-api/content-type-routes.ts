import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Model } from '../../core/schema/model.js';
import { checkModelUid, modelLabel } from '../../core/schema/runtime.js';
import type { SyncResult } from '../../core/schema/sync.js';
import { ADMIN_PREFIX, parseBody, requireAdmin, type AdminApiDeps } from './admin-request.js';

type UidParams = { uid: string };

const definition = z.record(z.string(), z.unknown());
const createBody = z.strictObject({
  uid: z.string().min(1).max(200),
  definition,
  confirm: z.boolean().optional(),
});
const updateBody = z.strictObject({ definition, confirm: z.boolean().optional() });
const deleteQuery = z.object({ confirm: z.enum(['true', 'false']).optional() });

/**
 * The content-type builder's server side: list, create, change and delete content types and components
 * at runtime. Only types owned by the database registry change here (a type defined by a file in the app
 * directory answers 409: change its file). A change is validated, applied under the schema lock as a new
 * schema version, and live on every node within about a second; `?dryRun=true` shows the plan, and a
 * destructive change needs `confirm: true` (otherwise 409 listing what it would delete). Each route acts
 * on its own kind only: a content type's uid under `/components` (or the reverse) is a 404, as an
 * unknown uid is in Strapi's builder.
 */
export const contentTypeRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { read, write } = ADMIN_ACTIONS.contentTypes;
  for (const [segment, modelType] of [
    ['content-types', 'contentType'],
    ['components', 'component'],
  ] as const) {
    const base = `${ADMIN_PREFIX}/${segment}`;
    const models = () => {
      const schema = deps.core.schema();
      const all: Model[] =
        modelType === 'contentType' ? [...schema.contentTypes.values()] : [...schema.components.values()];
      return all.filter((m) => !m.uid.startsWith('plugin::'));
    };
    /** The model of this route's kind, or a 404 (a uid of the other kind included). */
    const modelOf = (uid: string): Model => {
      const model = models().find((m) => m.uid === uid);
      if (!model) throw new NotFoundError(`No ${modelLabel(modelType)} ${uid}`);
      return model;
    };

    app.get(base, async (request) => {
      await requireAdmin(deps, request, read);
      return { data: models().map(describeModel), meta: { schemaVersion: deps.core.schema().version } };
    });

    app.get<{ Params: UidParams }>(`${base}/:uid`, async (request) => {
      await requireAdmin(deps, request, read);
      return { data: describeModel(modelOf(request.params.uid)) };
    });

    app.post<{ Querystring: { dryRun?: string } }>(base, async (request, reply) => {
      await requireAdmin(deps, request, write);
      const body = parseBody(createBody, request.body);
      // The uid's form first: a content type's uid sent to /components is a 400 about the form, not a
      // 409 saying it exists (as a content type).
      checkModelUid(modelType, body.uid);
      if (deps.core.schema().model(body.uid)) throw new ConflictError(`${body.uid} already exists`);
      const result = await deps.changeSchema(
        { kind: 'put', modelType, uid: body.uid, definition: body.definition },
        {
          allowDestructive: body.confirm === true,
          dryRun: request.query.dryRun === 'true',
          requestId: request.id,
        },
      );
      return reply.status(request.query.dryRun === 'true' ? 200 : 201).send(answer(result, body.uid));
    });

    app.put<{ Params: UidParams; Querystring: { dryRun?: string } }>(`${base}/:uid`, async (request) => {
      await requireAdmin(deps, request, write);
      const body = parseBody(updateBody, request.body);
      modelOf(request.params.uid);
      const result = await deps.changeSchema(
        { kind: 'put', modelType, uid: request.params.uid, definition: body.definition },
        {
          allowDestructive: body.confirm === true,
          dryRun: request.query.dryRun === 'true',
          requestId: request.id,
        },
      );
      return answer(result, request.params.uid);
    });

    app.delete<{ Params: UidParams; Querystring: { confirm?: string; dryRun?: string } }>(
      `${base}/:uid`,
      async (request) => {
        await requireAdmin(deps, request, write);
        const query = parseBody(deleteQuery.passthrough(), request.query);
        modelOf(request.params.uid);
        // The change names its kind too: the registry is checked again under the schema lock.
        const result = await deps.changeSchema(
          { kind: 'delete', modelType, uid: request.params.uid },
          {
            allowDestructive: query.confirm === 'true',
            dryRun: request.query.dryRun === 'true',
            requestId: request.id,
          },
        );
        return answer(result, request.params.uid);
      },
    );
  }
};

/** A type or component as the admin API shows it (also used by the content-manager routes). */
export function describeModel(model: Model) {
  return {
    uid: model.uid,
    modelType: model.modelType,
    kind: model.modelType === 'contentType' ? model.kind : undefined,
    owner: model.source.owner,
    source: model.source.owner === 'file' ? model.source.path : null,
    // Only runtime types may be changed through this API.
    editable: model.source.owner === 'database',
    definition: model.definition,
  };
}

function answer(result: SyncResult, uid: string) {
  const model = result.schema.model(uid);
  return {
    data: model ? describeModel(model) : null,
    meta: {
      schemaVersion: result.schema.version,
      steps: result.steps.map((s) => ({ description: s.description, destructive: s.destructive })),
    },
  };
}
