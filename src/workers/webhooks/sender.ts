import type { ClaimedDelivery } from './deliveries.js';
import { signPayload } from '../../webhooks/secrets.js';

export interface SendResult {
  readonly ok: boolean;
  readonly statusCode?: number;
  readonly error?: string;
  readonly latencyMs: number;
}

// Headers Quorum sets itself; a webhook's own headers cannot replace them.
const OWN_HEADERS = [
  'content-type',
  'x-strapi-event',
  'x-quorum-delivery',
  'x-quorum-signature',
  'x-request-id',
  'traceparent',
];

/** What an attempt adds to the stored delivery: its opened headers and the node's settings. */
export interface SendOptions {
  /** The webhook's own headers, opened. */
  readonly headers: Readonly<Record<string, string>>;
  readonly defaultHeaders: Readonly<Record<string, string>>;
  /** `webhooks.userAgent`: Node's fetch would say `node`. */
  readonly userAgent: string;
}

/**
 * The request headers of one attempt: the User-Agent, default headers, the webhook's headers, then
 * Quorum's own, each later one replacing an earlier header of the same name in any letter case (fetch
 * would join two spellings into one comma-separated value).
 */
export function deliveryHeaders(
  delivery: ClaimedDelivery,
  secret: string,
  options: SendOptions,
  nowMs = Date.now(),
): Record<string, string> {
  const byName = new Map<string, [string, string]>();
  const put = (name: string, value: string) => byName.set(name.toLowerCase(), [name, value]);
  put('User-Agent', options.userAgent);
  for (const [name, value] of Object.entries({ ...options.defaultHeaders, ...options.headers }))
    if (!OWN_HEADERS.includes(name.toLowerCase())) put(name, value);
  put('Content-Type', 'application/json');
  put('X-Strapi-Event', delivery.event);
  put('X-Quorum-Delivery', delivery.deliveryKey);
  put('X-Quorum-Signature', signPayload(secret, delivery.payload, Math.floor(nowMs / 1000)));
  if (delivery.requestId) put('X-Request-Id', delivery.requestId);
  if (delivery.traceparent) put('traceparent', delivery.traceparent);
  return Object.fromEntries(byName.values());
}

/**
 * One attempt: a POST of the stored payload with Node's fetch, bounded by `timeoutMs` (and aborted at
 * shutdown). A 2xx answer is a delivery; anything else, redirects included (a POST must not silently
 * turn into a GET elsewhere), is a failure with its status or error.
 */
export async function sendDelivery(
  delivery: ClaimedDelivery,
  secret: string,
  options: SendOptions & { timeoutMs: number; signal: AbortSignal },
): Promise<SendResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: deliveryHeaders(delivery, secret, options),
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal]),
    });
    const ok = response.status >= 200 && response.status < 300;
    const detail = ok ? '' : await bodyStart(response);
    if (ok) await response.body?.cancel().catch(() => {});
    return {
      ok,
      statusCode: response.status,
      error: ok ? undefined : `HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
      latencyMs: latency(),
    };
  } catch (err) {
    return { ok: false, error: describe(err, options.timeoutMs), latencyMs: latency() };
  }
}

/** The first bytes of an error answer, for the delivery log. */
async function bodyStart(response: Response): Promise<string> {
  try {
    const reader = response.body?.getReader();
    if (!reader) return '';
    const { value } = await reader.read();
    await reader.cancel().catch(() => {});
    return value ? Buffer.from(value).toString('utf8', 0, Math.min(value.length, 200)).trim() : '';
  } catch {
    return '';
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (error.name === 'AbortError') return 'aborted (node shutting down)';
  const cause = error.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error.message || String(err);
}
