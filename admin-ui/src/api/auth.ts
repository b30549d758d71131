import { api } from './client';
import type { Tokens } from './session';

export interface AdminUser {
  readonly id: number;
  readonly email: string;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly isActive: boolean;
  readonly blocked: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly roles: readonly { id: number; name: string; code: string }[];
}

/** One permission of the logged-in admin (a super admin gets every action of the catalogue). */
export interface AdminPermission {
  readonly action: string;
  readonly subject: string | null;
  readonly conditions: readonly string[];
}

type Session = Tokens & { user: AdminUser };

export const authApi = {
  hasAdmin: async () =>
    (await api<{ data: { hasAdmin: boolean } }>('/admin/api/init', { auth: false })).data.hasAdmin,
  registerFirstAdmin: async (body: {
    email: string;
    password: string;
    firstname?: string;
    lastname?: string;
  }) =>
    (await api<{ data: Session }>('/admin/api/register-admin', { method: 'POST', body, auth: false })).data,
  login: async (body: { email: string; password: string }) =>
    (await api<{ data: Session }>('/admin/api/login', { method: 'POST', body, auth: false })).data,
  logout: (refreshToken: string | null) =>
    api('/admin/api/logout', { method: 'POST', body: refreshToken ? { refreshToken } : {} }),
  me: async () => (await api<{ data: AdminUser }>('/admin/api/users/me')).data,
  myPermissions: async () => (await api<{ data: AdminPermission[] }>('/admin/api/users/me/permissions')).data,
};
