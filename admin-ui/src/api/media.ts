import { api, queryString, refreshSession, toApiError } from './client';
import { session } from './session';

// Typed calls to the admin media library routes (src/http/admin-api/media-routes.ts on the server).

export interface MediaFormat {
  readonly url: string;
  readonly width?: number | null;
  readonly height?: number | null;
}

/** Strapi's file object, as /admin/api/upload answers it. */
export interface MediaFile {
  readonly id: number;
  readonly documentId: string;
  readonly name: string;
  readonly alternativeText: string | null;
  readonly caption: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly formats: Record<string, MediaFormat> | null;
  readonly mime: string;
  readonly ext: string | null;
  /** In KB, as in Strapi. */
  readonly size: number;
  readonly url: string;
  readonly createdAt: string;
}

export interface MediaPage {
  readonly data: MediaFile[];
  readonly meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
}

export interface MediaInfo {
  readonly name?: string;
  readonly alternativeText?: string | null;
  readonly caption?: string | null;
}

const BASE = '/admin/api/upload';

export const mediaApi = {
  list: (params: { q?: string; page: number; pageSize: number }) =>
    api<MediaPage>(
      `${BASE}/files${queryString({
        _q: params.q,
        sort: 'createdAt:desc',
        pagination: { page: params.page, pageSize: params.pageSize },
      })}`,
    ),
  update: (id: number, info: MediaInfo) =>
    api<MediaFile>(`${BASE}/files/${id}`, { method: 'PUT', body: info }),
  remove: (id: number) => api<MediaFile>(`${BASE}/files/${id}`, { method: 'DELETE' }),
  upload: uploadFile,
};

/**
 * Uploads one file, reporting real progress (bytes sent / total) through XMLHttpRequest's upload events,
 * which fetch cannot give for request bodies in every browser. Like `api`, a 401 refreshes the session
 * once and sends again.
 */
async function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<MediaFile> {
  let result = await send(file, onProgress);
  if (result.status === 401 && session.refreshToken()) {
    if (await refreshSession()) result = await send(file, onProgress);
    else session.clear();
  }
  if (result.status !== 201) throw toApiError(result, result.payload);
  return (result.payload as MediaFile[])[0];
}

interface XhrResult {
  readonly status: number;
  readonly statusText: string;
  readonly payload: unknown;
}

function send(file: File, onProgress: (fraction: number) => void): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE);
    const token = session.accessToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, statusText: xhr.statusText, payload: xhr.response });
    xhr.onerror = () => reject(new Error(`The upload of ${file.name} failed (network error)`));
    const form = new FormData();
    form.append('files', file, file.name);
    xhr.send(form);
  });
}

/** The smallest image to show for a file in a grid: its thumbnail format, else the original image. */
export function thumbnailUrl(file: Pick<MediaFile, 'formats' | 'mime' | 'url'>): string | null {
  if (file.formats?.thumbnail?.url) return file.formats.thumbnail.url;
  // SVGs are served as attachments (never inline from this origin), so they get an icon, not an <img>.
  if (file.mime.startsWith('image/') && file.mime !== 'image/svg+xml') return file.url;
  return null;
}
