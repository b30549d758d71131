import { api, queryString } from './client';

/** A document as the content API returns it: system fields plus its attributes. */
export type ContentDocument = Record<string, unknown> & {
  readonly documentId: string;
  readonly updatedAt?: string;
  readonly publishedAt?: string | null;
};
export type DocumentStatus = 'draft' | 'published' | 'modified';
export type ListedDocument = ContentDocument & { readonly status: DocumentStatus };

export interface Pagination {
  readonly page: number;
  readonly pageSize: number;
  readonly pageCount: number;
  readonly total: number;
}

export interface ListParams {
  readonly page?: number;
  readonly pageSize?: number;
  readonly sort?: string;
  readonly _q?: string;
  readonly filters?: Record<string, unknown>;
  readonly fields?: readonly string[];
}

type One = { data: ContentDocument; meta: { status: DocumentStatus } };

const base = (uid: string) => `/admin/api/content-manager/collection-types/${encodeURIComponent(uid)}`;
const single = (uid: string) => `/admin/api/content-manager/single-types/${encodeURIComponent(uid)}`;

/** The admin API's content-manager routes: drafts by type uid, with the admin's own permissions. */
export const documentsApi = {
  list: (uid: string, params: ListParams) =>
    api<{ data: ListedDocument[]; meta: { pagination: Pagination } }>(
      `${base(uid)}${queryString({
        ...params,
        fields: params.fields ? Object.fromEntries(params.fields.map((f, i) => [i, f])) : undefined,
        pagination: { page: params.page ?? 1, pageSize: params.pageSize ?? 10 },
        page: undefined,
        pageSize: undefined,
      })}`,
    ),
  get: (uid: string, documentId: string) => api<One>(`${base(uid)}/${encodeURIComponent(documentId)}`),
  create: (uid: string, data: Record<string, unknown>) =>
    api<One>(base(uid), { method: 'POST', body: { data } }),
  update: (uid: string, documentId: string, data: Record<string, unknown>) =>
    api<One>(`${base(uid)}/${encodeURIComponent(documentId)}`, { method: 'PUT', body: { data } }),
  remove: (uid: string, documentId: string) =>
    api(`${base(uid)}/${encodeURIComponent(documentId)}`, { method: 'DELETE' }),
  publish: (uid: string, documentId: string, verb: 'publish' | 'unpublish') =>
    api<One>(`${base(uid)}/${encodeURIComponent(documentId)}/${verb}`, { method: 'POST' }),
  bulk: (uid: string, verb: 'publish' | 'unpublish' | 'delete', documentIds: readonly string[]) =>
    api<{ data: { count: number; failed: { documentId: string; message: string }[] } }>(
      `${base(uid)}/actions/bulk-${verb}`,
      { method: 'POST', body: { documentIds } },
    ),
  getSingle: (uid: string) =>
    api<{ data: ContentDocument | null; meta: { status: DocumentStatus } }>(single(uid)),
  putSingle: (uid: string, data: Record<string, unknown>) =>
    api<One>(single(uid), { method: 'PUT', body: { data } }),
  publishSingle: (uid: string, verb: 'publish' | 'unpublish') =>
    api<One>(`${single(uid)}/${verb}`, { method: 'POST' }),
  schedule: (body: { uid: string; documentId: string; action: 'publish' | 'unpublish'; at: string }) =>
    api<{ data: ScheduledAction }>('/admin/api/scheduled-actions', { method: 'POST', body }),
  scheduled: (uid: string, documentId: string) =>
    api<{ data: ScheduledAction[] }>(
      `/admin/api/scheduled-actions${queryString({ uid, documentId, status: 'pending' })}`,
    ),
  cancelScheduled: (id: number) => api(`/admin/api/scheduled-actions/${id}`, { method: 'DELETE' }),
};

export interface ScheduledAction {
  readonly id: number;
  readonly uid: string;
  readonly documentId: string;
  readonly action: 'publish' | 'unpublish';
  readonly dueAt: string;
  readonly status: 'pending' | 'done' | 'failed' | 'cancelled';
  readonly error: string | null;
}
