/** Action names of the Users & Permissions routes, as Strapi names them (route scopes). */
export const UP = 'plugin::users-permissions';

export const AUTH_ACTIONS = {
  callback: `${UP}.auth.callback`,
  connect: `${UP}.auth.connect`,
  register: `${UP}.auth.register`,
  forgotPassword: `${UP}.auth.forgotPassword`,
  resetPassword: `${UP}.auth.resetPassword`,
  changePassword: `${UP}.auth.changePassword`,
  emailConfirmation: `${UP}.auth.emailConfirmation`,
  sendEmailConfirmation: `${UP}.auth.sendEmailConfirmation`,
} as const;

export const USER_ACTIONS = {
  me: `${UP}.user.me`,
  find: `${UP}.user.find`,
  findOne: `${UP}.user.findOne`,
  count: `${UP}.user.count`,
  create: `${UP}.user.create`,
  update: `${UP}.user.update`,
  destroy: `${UP}.user.destroy`,
} as const;

export const ROLE_ACTIONS = {
  find: `${UP}.role.find`,
  findOne: `${UP}.role.findOne`,
  createRole: `${UP}.role.createRole`,
  updateRole: `${UP}.role.updateRole`,
  deleteRole: `${UP}.role.deleteRole`,
  getPermissions: `${UP}.permissions.getPermissions`,
} as const;

/** The media library's content-API actions, as Strapi's upload plugin names them. */
export const UPLOAD_ACTIONS = {
  upload: 'plugin::upload.content-api.upload',
  find: 'plugin::upload.content-api.find',
  findOne: 'plugin::upload.content-api.findOne',
  destroy: 'plugin::upload.content-api.destroy',
} as const;

/** The i18n plugin's content-API action (`GET /api/i18n/locales`), as Strapi names it. */
export const I18N_ACTIONS = {
  listLocales: 'plugin::i18n.locales.listLocales',
} as const;

/** Strapi's defaults: the public may sign up and in; an authenticated user may read itself and change its password. */
export const DEFAULT_PUBLIC_ACTIONS: readonly string[] = [
  AUTH_ACTIONS.callback,
  AUTH_ACTIONS.connect,
  AUTH_ACTIONS.register,
  AUTH_ACTIONS.forgotPassword,
  AUTH_ACTIONS.resetPassword,
  AUTH_ACTIONS.emailConfirmation,
  AUTH_ACTIONS.sendEmailConfirmation,
];
export const DEFAULT_AUTHENTICATED_ACTIONS: readonly string[] = [
  USER_ACTIONS.me,
  AUTH_ACTIONS.changePassword,
];

export const PUBLIC_ROLE = 'public';
export const AUTHENTICATED_ROLE = 'authenticated';

export const CONTENT_ACTIONS = ['find', 'findOne', 'create', 'update', 'delete'] as const;
export type ContentAction = (typeof CONTENT_ACTIONS)[number];
