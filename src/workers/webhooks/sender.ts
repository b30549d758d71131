import type { ClaimedDelivery } from './deliveries.js';
import { signPayload } from './secrets.js';

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

/** The request headers of one attempt: default headers, the webhook's headers, then Quorum's own. */
export function deliveryHeaders(
  delivery: ClaimedDelivery,
  secret: string,
  defaultHeaders: Readonly<Record<string, string>>,
  nowMs = Date.now(),
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...defaultHeaders, ...delivery.headers }))
    if (!OWN_HEADERS.includes(name.toLowerCase())) headers[name] = value;
  headers['Content-Type'] = 'application/json';
  headers['X-Strapi-Event'] = delivery.event;
  headers['X-Quorum-Delivery'] = delivery.deliveryKey;
  headers['X-Quorum-Signature'] = signPayload(secret, delivery.payload, Math.floor(nowMs / 1000));
  if (delivery.requestId) headers['X-Request-Id'] = delivery.requestId;
  if (delivery.traceparent) headers.traceparent = delivery.traceparent;
  return headers;
}

/**
 * One attempt: a POST of the stored payload with Node's fetch, bounded by `timeoutMs` (and aborted at
 * shutdown). A 2xx answer is a delivery; anything else, redirects included (a POST must not silently
 * turn into a GET elsewhere), is a failure with its status or error.
 */
export async function sendDelivery(
  delivery: ClaimedDelivery,
  secret: string,
  options: { timeoutMs: number; defaultHeaders: Readonly<Record<string, string>>; signal: AbortSignal },
): Promise<SendResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: deliveryHeaders(delivery, secret, options.defaultHeaders),
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
