import { session, type Tokens } from './session';

/** One problem with a request body, as Strapi reports it: where (`path`) and what (`message`). */
export interface FieldError {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** An error answer of the admin or content API (both use Strapi's `{ data: null, error }` shape). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorName: string,
    readonly details: { errors?: FieldError[] } & Record<string, unknown>,
  ) {
    super(message);
  }

  /** Field errors keyed by their dotted path (`blocks.0.title`), for showing each at its input. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.details.errors ?? []) out[e.path.join('.')] ??= e.message;
    return out;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Send the admin's access token (default). Setup and login go without. */
  auth?: boolean;
  /** Parse the answer as text (the /metrics endpoint) instead of JSON. */
  text?: boolean;
}

let refreshing: Promise<boolean> | null = null;

/**
 * Exchanges the refresh token for a new pair. Concurrent callers share one exchange: a refresh token is
 * single-use, so two parallel exchanges would make the server revoke the whole session.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = session.refreshToken();
    if (!refreshToken) return false;
    const response = await fetch('/admin/api/token/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!response.ok) return false;
    const { data } = (await response.json()) as { data: Tokens };
    session.set(data);
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Calls the admin or content API. A 401 with a session first refreshes the access token silently and
 * retries once; if the session cannot be refreshed it is cleared, which sends the app to the login page.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { auth = true } = options;
  if (auth && !session.accessToken() && session.refreshToken()) await refreshSession();
  let response = await send(path, options, auth);
  if (response.status === 401 && auth && session.refreshToken()) {
    if (await refreshSession()) response = await send(path, options, auth);
    else session.clear();
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown =
    options.text && response.ok ? await response.text() : await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response, payload);
  return payload as T;
}

function send(path: string, options: RequestOptions, auth: boolean): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const token = session.accessToken();
  if (auth && token) headers.authorization = `Bearer ${token}`;
  return fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export function toApiError(response: { status: number; statusText: string }, payload: unknown): ApiError {
  const error = (
    payload as { error?: { message?: string; name?: string; details?: Record<string, unknown> } } | null
  )?.error;
  return new ApiError(
    response.status,
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.name ?? 'Error',
    (error?.details ?? {}) as ApiError['details'],
  );
}

/** Builds a query string; nested objects become Strapi's bracket syntax (`filters[title][$eq]=x`). */
export function queryString(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) add(`${key}[${k}]`, v);
    } else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  return parts.length ? `?${parts.join('&')}` : '';
}
