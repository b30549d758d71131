/** Quorum's admin tables (created by the system migration 0300-admin-accounts). */
export const ADMIN_USERS = 'quorum_admin_users';
export const ADMIN_ROLES = 'quorum_admin_roles';
export const ADMIN_USER_ROLES = 'quorum_admin_user_roles';
export const ADMIN_PERMISSIONS = 'quorum_admin_permissions';
export const ADMIN_SESSIONS = 'quorum_admin_sessions';
