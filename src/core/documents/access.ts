import type { AccessScope } from '../access.js';
import { FULL_ACCESS } from '../access.js';
import type { CoreContext } from '../context.js';
import { compileFind } from '../query/compile.js';
import { parseFilters } from '../query/filters.js';
import type { QueryScope } from '../query/links.js';
import { parseSingleQuery } from '../query/parse.js';
import type { FilterNode, Status } from '../query/types.js';
import type { ContentType, ScalarAttribute } from '../schema/model.js';
import { CREATED_BY_FIELD } from '../schema/system-fields.js';
import type { Executor } from '../../db/types.js';

const CONDITION_FIELDS: ReadonlyMap<string, ScalarAttribute> = new Map([
  [CREATED_BY_FIELD.name, CREATED_BY_FIELD],
]);

/** How an operation reads and checks on behalf of its caller. */
export interface ResolvedAccess {
  readonly scope: QueryScope;
  /** The caller's permission conditions for this type, as a filter tree. */
  readonly conditions?: FilterNode;
  /** Prefix for plan-cache keys, or undefined when plans must not be shared (per-user conditions). */
  readonly cacheKey?: string;
}

export function resolveAccess(
  ctx: CoreContext,
  type: ContentType,
  access: AccessScope = FULL_ACCESS,
): ResolvedAccess {
  const schema = ctx.schema();
  // Conditions are written by administrators, not clients: they may walk any relation and name the
  // creator column.
  const trusted: QueryScope = { schema, canRead: () => true, conditionFields: CONDITION_FIELDS };
  const parsed = new Map<string, FilterNode | undefined>();
  const scope: QueryScope = {
    schema,
    canRead: (uid) => access.canRead(uid),
    readConditions: access.readConditions
      ? (model) => {
          if (model.modelType !== 'contentType') return undefined;
          if (!parsed.has(model.uid)) {
            const raw = access.readConditions!(model.uid);
            parsed.set(model.uid, raw === undefined ? undefined : parseFilters(trusted, model, raw));
          }
          return parsed.get(model.uid);
        }
      : undefined,
  };
  const conditions =
    access.conditions === undefined ? undefined : parseFilters(trusted, type, access.conditions);
  return { scope, conditions, cacheKey: access.cacheKey };
}

/**
 * Whether the document's row of `status` matches the caller's conditions (updates and deletes of
 * documents outside them are answered as if the document did not exist).
 */
export async function matchesConditions(
  ctx: CoreContext,
  trx: Executor,
  type: ContentType,
  documentId: string,
  status: Status,
  access: ResolvedAccess,
): Promise<boolean> {
  if (!access.conditions) return true;
  const query = parseSingleQuery(access.scope, type, { status, fields: ['id'] }, access.conditions);
  const { rows } = compileFind({ ...ctx.database, db: trx }, query, { documentId });
  return (await trx.executeQuery(rows)).rows.length > 0;
}
