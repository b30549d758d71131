import { api, queryString } from './client';

// Typed calls to the admin API's settings routes (src/http/admin-api/*-routes.ts on the server).

export type ApiTokenType = 'read-only' | 'full-access' | 'custom';
export interface ApiToken {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly type: ApiTokenType;
  readonly permissions: readonly string[];
  readonly lifespan: number | null;
  readonly expiresAt: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface EndUserRole {
  readonly id: number;
  readonly documentId: string;
  readonly name: string;
  readonly description: string | null;
  readonly type: string;
  readonly nb_users: number;
}
/** An end user (Users & Permissions) as the admin lists them. */
export interface EndUser {
  readonly id: number;
  readonly documentId: string;
  readonly username: string;
  readonly email: string;
  readonly confirmed: boolean | null;
  readonly blocked: boolean | null;
  readonly createdAt: string;
  readonly role: { readonly id: number; readonly name: string; readonly type: string } | null;
}

export interface Grant {
  readonly action: string;
  readonly conditions: Record<string, unknown> | null;
}

export const WEBHOOK_EVENTS = [
  'entry.create',
  'entry.update',
  'entry.delete',
  'entry.publish',
  'entry.unpublish',
  'media.create',
  'media.update',
  'media.delete',
] as const;
export interface Webhook {
  readonly id: number;
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly events: string[];
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}
export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'dead';
export interface Delivery {
  readonly id: number;
  readonly deliveryKey: string;
  readonly event: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly latencyMs: number | null;
  readonly createdAt: string;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly deadAt: string | null;
}
export interface Page<T> {
  readonly results: T[];
  readonly pagination: { page: number; pageSize: number; pageCount: number; total: number };
}

export interface AdminRole {
  readonly id: number;
  readonly name: string;
  readonly code: string;
  readonly description: string | null;
}
export interface AdminAccount {
  readonly id: number;
  readonly email: string;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly isActive: boolean;
  readonly blocked: boolean;
  readonly roles: readonly { id: number; name: string; code: string }[];
}

const data = async <T>(promise: Promise<{ data: T }>) => (await promise).data;

export const settingsApi = {
  apiTokens: () => data(api<{ data: ApiToken[] }>('/admin/api/api-tokens')),
  createApiToken: (body: {
    name: string;
    description?: string;
    type: ApiTokenType;
    permissions?: string[];
    lifespan: number | null;
  }) =>
    data(api<{ data: ApiToken & { accessKey: string } }>('/admin/api/api-tokens', { method: 'POST', body })),
  regenerateApiToken: (id: number) =>
    data(
      api<{ data: ApiToken & { accessKey: string } }>(`/admin/api/api-tokens/${id}/regenerate`, {
        method: 'POST',
      }),
    ),
  deleteApiToken: (id: number) => api(`/admin/api/api-tokens/${id}`, { method: 'DELETE' }),

  /** Every content-API action (`api::article.article.find`, `plugin::users-permissions.auth.local`…). */
  contentApiActions: () => data(api<{ data: string[] }>('/admin/api/users-permissions/permissions')),
  endUserRoles: () => data(api<{ data: EndUserRole[] }>('/admin/api/users-permissions/roles')),
  endUserRole: (id: number) =>
    data(api<{ data: EndUserRole & { permissions: Grant[] } }>(`/admin/api/users-permissions/roles/${id}`)),
  updateEndUserRole: (id: number, permissions: Grant[]) =>
    data(
      api<{ data: EndUserRole & { permissions: Grant[] } }>(`/admin/api/users-permissions/roles/${id}`, {
        method: 'PUT',
        body: { permissions: permissions.map((g) => (g.conditions ? g : g.action)) },
      }),
    ),

  webhooks: () => data(api<{ data: Webhook[] }>('/admin/api/webhooks')),
  createWebhook: (body: Omit<Webhook, 'id' | 'createdAt' | 'updatedAt'>) =>
    data(api<{ data: Webhook & { secret: string } }>('/admin/api/webhooks', { method: 'POST', body })),
  updateWebhook: (id: number, body: Partial<Omit<Webhook, 'id' | 'createdAt' | 'updatedAt'>>) =>
    data(api<{ data: Webhook }>(`/admin/api/webhooks/${id}`, { method: 'PUT', body })),
  deleteWebhook: (id: number) => api(`/admin/api/webhooks/${id}`, { method: 'DELETE' }),
  testWebhook: (id: number) => api(`/admin/api/webhooks/${id}/test`, { method: 'POST' }),
  deliveries: (id: number, params: { page: number; status?: DeliveryStatus }) =>
    data(
      api<{ data: Page<Delivery> }>(
        `/admin/api/webhooks/${id}/deliveries${queryString({ ...params, pageSize: 10 })}`,
      ),
    ),
  replayDelivery: (id: number, deliveryId: number) =>
    api(`/admin/api/webhooks/${id}/deliveries/${deliveryId}/replay`, { method: 'POST' }),
  replayDead: (id: number) =>
    data(
      api<{ data: { replayed: number } }>(`/admin/api/webhooks/${id}/replay`, {
        method: 'POST',
        body: { status: 'dead' },
      }),
    ),

  endUsers: (page: number, q: string) =>
    data(api<{ data: Page<EndUser> }>(`/admin/api/end-users${queryString({ page, pageSize: 20, _q: q })}`)),
  updateEndUser: (id: number, body: { blocked?: boolean; role?: number }) =>
    data(api<{ data: EndUser }>(`/admin/api/end-users/${id}`, { method: 'PUT', body })),
  adminUsers: () => data(api<{ data: Page<AdminAccount> }>('/admin/api/users?pageSize=100')),
  adminRoles: () => data(api<{ data: AdminRole[] }>('/admin/api/roles')),
  createAdminUser: (body: {
    email: string;
    password: string;
    firstname?: string;
    lastname?: string;
    roles: number[];
  }) => data(api<{ data: AdminAccount }>('/admin/api/users', { method: 'POST', body })),
  updateAdminUser: (id: number, body: { blocked?: boolean; isActive?: boolean; roles?: number[] }) =>
    data(api<{ data: AdminAccount }>(`/admin/api/users/${id}`, { method: 'PUT', body })),
  deleteAdminUser: (id: number) => api(`/admin/api/users/${id}`, { method: 'DELETE' }),
};

/** One permission of an admin role: an action, on a content type (`subject`, null: every `api::` type). */
export interface AdminRolePermission {
  readonly action: string;
  readonly subject: string | null;
  readonly conditions: readonly string[];
}

/** GET /admin/api/permissions: the admin actions, which take a subject, and the known conditions. */
export interface AdminCatalogue {
  readonly actions: readonly { action: string; subjects: readonly string[] | null }[];
  readonly conditions: readonly string[];
}

export const adminRolesApi = {
  catalogue: () => data(api<{ data: AdminCatalogue }>('/admin/api/permissions')),
  permissions: (id: number) =>
    data(api<{ data: AdminRolePermission[] }>(`/admin/api/roles/${id}/permissions`)),
  setPermissions: (id: number, permissions: AdminRolePermission[]) =>
    data(
      api<{ data: AdminRolePermission[] }>(`/admin/api/roles/${id}/permissions`, {
        method: 'PUT',
        body: {
          permissions: permissions.map((p) => ({
            action: p.action,
            subject: p.subject,
            conditions: [...p.conditions],
          })),
        },
      }),
    ),
  create: (body: { name: string; description?: string }) =>
    data(api<{ data: AdminRole }>('/admin/api/roles', { method: 'POST', body })),
};
