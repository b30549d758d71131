import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SchemaFile } from '../../core/schema/load-files.js';
import { SchemaError } from '../../core/schema/errors.js';
import { checkSchemaDefinition, throwIfInvalid } from '../../core/schema/validate-files.js';

/**
 * The Users & Permissions types, defined as Strapi defines them, so that content types can relate to
 * users (`plugin::users-permissions.user`) and everything generic — populate, filters, private-field
 * stripping — works for them too. They are never served by the generic content routes; their own
 * routes live in http/users-permissions.
 */
export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';
export const PERMISSION_UID = 'plugin::users-permissions.permission';

/**
 * The bound of every string of these types: Strapi stores them as varchar(255). Quorum's columns are
 * text, so the bound is the validation's: a longer value is a 400 naming the field, not a row anyone
 * can fill with megabytes.
 */
export const USER_STRING_MAX = 255;
const max = USER_STRING_MAX;

const user = {
  kind: 'collectionType',
  collectionName: 'up_users',
  info: { name: 'user', description: '', singularName: 'user', pluralName: 'users', displayName: 'User' },
  options: { draftAndPublish: false },
  attributes: {
    username: {
      type: 'string',
      minLength: 3,
      maxLength: max,
      unique: true,
      configurable: false,
      required: true,
    },
    // Unique here (Strapi checks it in its controllers only): two concurrent sign-ups cannot share an address.
    email: {
      type: 'email',
      minLength: 6,
      maxLength: max,
      unique: true,
      configurable: false,
      required: true,
    },
    provider: { type: 'string', maxLength: max, configurable: false },
    password: {
      type: 'password',
      minLength: 6,
      maxLength: max,
      configurable: false,
      private: true,
      searchable: false,
    },
    resetPasswordToken: {
      type: 'string',
      maxLength: max,
      configurable: false,
      private: true,
      searchable: false,
    },
    confirmationToken: {
      type: 'string',
      maxLength: max,
      configurable: false,
      private: true,
      searchable: false,
    },
    confirmed: { type: 'boolean', default: false, configurable: false },
    blocked: { type: 'boolean', default: false, configurable: false },
    role: {
      type: 'relation',
      relation: 'manyToOne',
      inversedBy: 'users',
      configurable: false,
      target: ROLE_UID,
    },
  },
};

const role = {
  kind: 'collectionType',
  collectionName: 'up_roles',
  info: { name: 'role', description: '', singularName: 'role', pluralName: 'roles', displayName: 'Role' },
  options: { draftAndPublish: false },
  attributes: {
    name: { type: 'string', minLength: 3, maxLength: max, required: true, configurable: false },
    description: { type: 'string', maxLength: max, configurable: false },
    type: { type: 'string', maxLength: max, unique: true, configurable: false },
    permissions: {
      type: 'relation',
      relation: 'oneToMany',
      target: PERMISSION_UID,
      mappedBy: 'role',
      configurable: false,
    },
    users: {
      type: 'relation',
      relation: 'oneToMany',
      target: USER_UID,
      mappedBy: 'role',
      configurable: false,
    },
  },
};

const permission = {
  kind: 'collectionType',
  collectionName: 'up_permissions',
  info: {
    name: 'permission',
    description: '',
    singularName: 'permission',
    pluralName: 'permissions',
    displayName: 'Permission',
  },
  options: { draftAndPublish: false },
  attributes: {
    action: { type: 'string', maxLength: max, required: true, configurable: false },
    // Quorum's addition: a filters object (with $user.* variables) compiled into the query's WHERE clause.
    conditions: { type: 'json', configurable: false },
    role: {
      type: 'relation',
      relation: 'manyToOne',
      inversedBy: 'permissions',
      target: ROLE_UID,
      configurable: false,
    },
  },
};

const EXTENSION = path.join('src', 'extensions', 'users-permissions', 'content-types', 'user', 'schema.json');

/**
 * The built-in definitions, with the app's user extension applied: a Strapi project may add attributes to
 * users in src/extensions/users-permissions/content-types/user/schema.json (it cannot remove core ones).
 */
export function usersPermissionsSchemas(appDir: string): SchemaFile[] {
  let userDefinition: Record<string, unknown> = user;
  let userPath = 'quorum:users-permissions/user';
  const extension = path.join(appDir, EXTENSION);
  if (existsSync(extension)) {
    let parsed: { attributes?: Record<string, unknown> };
    try {
      parsed = JSON.parse(readFileSync(extension, 'utf8'));
    } catch (err) {
      throw new SchemaError(`${EXTENSION}: not valid JSON (${(err as Error).message})`);
    }
    throwIfInvalid([checkSchemaDefinition(EXTENSION, 'contentType', parsed)]);
    const added = Object.entries(parsed.attributes ?? {}).filter(([name]) => !(name in user.attributes));
    userDefinition = { ...user, attributes: { ...user.attributes, ...Object.fromEntries(added) } };
    userPath = EXTENSION;
  }
  return [
    { uid: USER_UID, modelType: 'contentType', path: userPath, definition: userDefinition },
    { uid: ROLE_UID, modelType: 'contentType', path: 'quorum:users-permissions/role', definition: role },
    {
      uid: PERMISSION_UID,
      modelType: 'contentType',
      path: 'quorum:users-permissions/permission',
      definition: permission,
    },
  ];
}
