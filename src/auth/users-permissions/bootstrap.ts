import type { Logger } from 'pino';
import { inTransaction, type CoreContext } from '../../core/context.js';
import { createDocument, deleteDocument } from '../../core/documents/write.js';
import { withSchemaLock } from '../../db/lock.js';
import { usersPermissionsLinks } from '../permissions.js';
import { stableStringify } from '../../core/schema/stable-json.js';
import {
  AUTHENTICATED_ROLE,
  DEFAULT_AUTHENTICATED_ACTIONS,
  DEFAULT_PUBLIC_ACTIONS,
  PUBLIC_ROLE,
} from './actions.js';
import { readPermissionsFile, type DeclaredRole } from './permissions-file.js';
import { PERMISSION_UID, ROLE_UID } from './schemas.js';

const BUILT_IN_ROLES = [
  {
    type: PUBLIC_ROLE,
    name: 'Public',
    description: 'Default role given to unauthenticated user.',
    defaults: DEFAULT_PUBLIC_ACTIONS,
  },
  {
    type: AUTHENTICATED_ROLE,
    name: 'Authenticated',
    description: 'Default role given to authenticated user.',
    defaults: DEFAULT_AUTHENTICATED_ACTIONS,
  },
];

/**
 * Once per start, under the schema lock (so concurrent starts do it once): the Public and Authenticated
 * roles exist with Strapi's default grants, and the roles declared in config/permissions.json have
 * exactly the grants the file lists (plus, for the two built-in roles, the default auth grants).
 * Returns whether anything changed.
 */
export async function bootstrapUsersPermissions(
  ctx: CoreContext,
  appDir: string,
  logger: Logger,
): Promise<boolean> {
  const declared = readPermissionsFile(appDir, ctx.schema());
  return withSchemaLock(ctx.database, async (trx) => {
    const tx = inTransaction(ctx, trx);
    let changed = false;
    for (const role of BUILT_IN_ROLES) {
      const existing = await findRole(tx, role.type);
      if (existing) continue;
      const created = await createRole(tx, role);
      for (const action of role.defaults) await grant(tx, created, action);
      changed = true;
    }
    for (const role of declared ?? []) changed = (await applyDeclaredRole(tx, role)) || changed;
    if (declared) logger.info({ roles: declared.map((r) => r.type) }, 'applied config/permissions.json');
    return changed;
  });
}

async function findRole(ctx: CoreContext, type: string): Promise<string | undefined> {
  const table = ctx.schema().contentTypes.get(ROLE_UID)!.tableName;
  const row = await ctx.database.db
    .selectFrom(table)
    .select('document_id')
    .where('type', '=', type)
    .executeTakeFirst();
  return row?.document_id as string | undefined;
}

async function createRole(
  ctx: CoreContext,
  role: { type: string; name: string; description?: string },
): Promise<string> {
  const type = ctx.schema().contentTypes.get(ROLE_UID)!;
  const document = await createDocument(ctx, type, {
    data: { name: role.name, description: role.description ?? '', type: role.type },
    params: {},
  });
  return document.documentId as string;
}

async function grant(
  ctx: CoreContext,
  roleDocumentId: string,
  action: string,
  conditions?: Record<string, unknown>,
): Promise<void> {
  const type = ctx.schema().contentTypes.get(PERMISSION_UID)!;
  await createDocument(ctx, type, {
    data: { action, conditions: conditions ?? null, role: roleDocumentId },
    params: {},
  });
}

/** The role's grants become exactly the declared ones (built-in roles keep their default auth grants). */
async function applyDeclaredRole(ctx: CoreContext, role: DeclaredRole): Promise<boolean> {
  const builtIn = BUILT_IN_ROLES.find((r) => r.type === role.type);
  let documentId = await findRole(ctx, role.type);
  if (!documentId) {
    documentId = await createRole(ctx, {
      type: role.type,
      name: role.name ?? builtIn?.name ?? role.type,
      description: role.description,
    });
  }
  const wanted = new Map<string, { action: string; conditions?: Record<string, unknown> }>();
  for (const action of builtIn?.defaults ?? []) wanted.set(key(action), { action });
  for (const g of role.grants) wanted.set(key(g.action, g.conditions), g);

  const current = await currentGrants(ctx, documentId);
  let changed = false;
  for (const [grantKey, permission] of current) {
    if (wanted.has(grantKey)) wanted.delete(grantKey);
    else {
      await deleteDocument(ctx, ctx.schema().contentTypes.get(PERMISSION_UID)!, permission, { params: {} });
      changed = true;
    }
  }
  for (const g of wanted.values()) {
    await grant(ctx, documentId, g.action, g.conditions);
    changed = true;
  }
  return changed;
}

function key(action: string, conditions?: Record<string, unknown> | null): string {
  return `${action} ${conditions ? stableStringify(conditions) : ''}`;
}

/** grant key → permission documentId, for one role. */
async function currentGrants(ctx: CoreContext, roleDocumentId: string): Promise<Map<string, string>> {
  const schema = ctx.schema();
  const table = schema.contentTypes.get(PERMISSION_UID)!.tableName;
  const { permissionRole } = usersPermissionsLinks(schema);
  const rows = await ctx.database.db
    .selectFrom(`${table} as p`)
    .innerJoin(`${permissionRole} as l`, 'l.source_id', 'p.id')
    .select(['p.document_id as documentId', 'p.action as action', 'p.conditions as conditions'])
    .where('l.target_document_id', '=', roleDocumentId)
    .execute();
  const result = new Map<string, string>();
  for (const row of rows) {
    const conditions = typeof row.conditions === 'string' ? JSON.parse(row.conditions) : row.conditions;
    result.set(key(row.action as string, conditions), row.documentId as string);
  }
  return result;
}
