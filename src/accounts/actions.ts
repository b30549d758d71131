/**
 * The admin permission model, with Strapi's action names: an admin role holds permissions, each an
 * action, optionally a subject (a content-type uid) and conditions. Content-manager actions take a
 * subject; a null subject means "every content type of the app" (`api::*`), so types added later are
 * covered. Other actions take no subject.
 */
export const CONTENT_MANAGER = 'plugin::content-manager.explorer';

export const ADMIN_ACTIONS = {
  users: {
    create: 'admin::users.create',
    read: 'admin::users.read',
    update: 'admin::users.update',
    delete: 'admin::users.delete',
  },
  roles: {
    create: 'admin::roles.create',
    read: 'admin::roles.read',
    update: 'admin::roles.update',
    delete: 'admin::roles.delete',
  },
  apiTokens: {
    create: 'admin::api-tokens.create',
    read: 'admin::api-tokens.read',
    update: 'admin::api-tokens.update',
    regenerate: 'admin::api-tokens.regenerate',
    delete: 'admin::api-tokens.delete',
  },
  endUserRoles: {
    create: 'plugin::users-permissions.roles.create',
    read: 'plugin::users-permissions.roles.read',
    update: 'plugin::users-permissions.roles.update',
    delete: 'plugin::users-permissions.roles.delete',
  },
  contentTypes: {
    read: 'plugin::content-type-builder.read',
    write: 'plugin::content-type-builder.write',
  },
  cluster: {
    read: 'admin::cluster.read',
  },
  media: {
    read: 'plugin::upload.read',
    create: 'plugin::upload.assets.create',
    update: 'plugin::upload.assets.update',
    delete: 'plugin::upload.assets.delete',
  },
  webhooks: {
    create: 'admin::webhooks.create',
    read: 'admin::webhooks.read',
    update: 'admin::webhooks.update',
    delete: 'admin::webhooks.delete',
  },
  /** The i18n plugin's settings (Strapi's names). */
  locales: {
    create: 'plugin::i18n.locale.create',
    read: 'plugin::i18n.locale.read',
    update: 'plugin::i18n.locale.update',
    delete: 'plugin::i18n.locale.delete',
  },
  content: {
    create: `${CONTENT_MANAGER}.create`,
    read: `${CONTENT_MANAGER}.read`,
    update: `${CONTENT_MANAGER}.update`,
    delete: `${CONTENT_MANAGER}.delete`,
    publish: `${CONTENT_MANAGER}.publish`,
  },
} as const;

/** The documents the admin created themselves (created_by_id = the admin's id). */
export const IS_CREATOR = 'admin::is-creator';
export const ADMIN_CONDITIONS: readonly string[] = [IS_CREATOR];

export const CONTENT_ACTIONS: readonly string[] = Object.values(ADMIN_ACTIONS.content);
export const SETTINGS_ACTIONS: readonly string[] = [
  ...Object.values(ADMIN_ACTIONS.users),
  ...Object.values(ADMIN_ACTIONS.roles),
  ...Object.values(ADMIN_ACTIONS.apiTokens),
  ...Object.values(ADMIN_ACTIONS.endUserRoles),
  ...Object.values(ADMIN_ACTIONS.contentTypes),
  ...Object.values(ADMIN_ACTIONS.cluster),
  ...Object.values(ADMIN_ACTIONS.media),
  ...Object.values(ADMIN_ACTIONS.webhooks),
  ...Object.values(ADMIN_ACTIONS.locales),
];
export const ALL_ADMIN_ACTIONS: readonly string[] = [...SETTINGS_ACTIONS, ...CONTENT_ACTIONS];

export function isContentAction(action: string): boolean {
  return CONTENT_ACTIONS.includes(action);
}

export const SUPER_ADMIN_CODE = 'strapi-super-admin';
export const EDITOR_CODE = 'strapi-editor';
export const AUTHOR_CODE = 'strapi-author';

export interface PermissionInput {
  readonly action: string;
  readonly subject: string | null;
  readonly conditions: readonly string[];
}

export interface BuiltInRole {
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly PermissionInput[];
}

const grant = (action: string, conditions: readonly string[] = []): PermissionInput => ({
  action,
  subject: null,
  conditions,
});

/**
 * Strapi's three default roles. The super admin may do everything whatever its rows say (they are
 * listed for the UI and cannot be edited); editors manage and publish all content and the media
 * library; authors manage and publish the content they created, and may browse the library and upload.
 */
export const BUILT_IN_ADMIN_ROLES: readonly BuiltInRole[] = [
  {
    code: SUPER_ADMIN_CODE,
    name: 'Super Admin',
    description: 'Super Admins can access and manage all features and settings.',
    permissions: ALL_ADMIN_ACTIONS.map((action) => grant(action)),
  },
  {
    code: EDITOR_CODE,
    name: 'Editor',
    description: 'Editors can manage and publish contents including those of other users.',
    permissions: [...CONTENT_ACTIONS, ...Object.values(ADMIN_ACTIONS.media)].map((action) => grant(action)),
  },
  {
    code: AUTHOR_CODE,
    name: 'Author',
    description: 'Authors can manage the content they have created.',
    // Authors may browse the library and upload; changing or deleting files stays with editors, since
    // files record no creator to limit those to the author's own.
    permissions: [
      ...CONTENT_ACTIONS.map((action) => grant(action, [IS_CREATOR])),
      grant(ADMIN_ACTIONS.media.read),
      grant(ADMIN_ACTIONS.media.create),
    ],
  },
];

export const BUILT_IN_CODES: readonly string[] = BUILT_IN_ADMIN_ROLES.map((role) => role.code);
