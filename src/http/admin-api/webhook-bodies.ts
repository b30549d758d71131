import { z } from 'zod';
import { DELIVERY_STATUSES, WEBHOOK_EVENTS } from '../../webhooks/tables.js';

// Request bodies and queries of /admin/api/webhooks. Strict: an unknown key is a 400 naming it.

const url = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => {
    try {
      const parsed = new URL(value);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

// Header names are HTTP tokens; values may not break the header block (no CR, LF or NUL).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// Set by Quorum on every delivery, or by the HTTP client: a webhook cannot replace them.
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'x-strapi-event',
  'x-request-id',
  'traceparent',
]);

const headers = z
  .record(
    z.string(),
    z
      .string()
      .max(4096, 'must be at most 4096 characters')
      .regex(/^[^\r\n\0]*$/, 'must not contain line breaks'),
  )
  .superRefine((value, ctx) => {
    const names = Object.keys(value);
    if (names.length > 50) ctx.addIssue({ code: 'custom', message: 'must have at most 50 headers' });
    for (const name of names) {
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid header name' });
      else if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-quorum-'))
        ctx.addIssue({ code: 'custom', path: [name], message: 'is set by Quorum and cannot be overridden' });
    }
  });

const events = z
  .array(z.enum(WEBHOOK_EVENTS, { message: `must be one of ${WEBHOOK_EVENTS.join(', ')}` }))
  .max(WEBHOOK_EVENTS.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat an event');

export const createWebhookBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  url,
  headers: headers.optional(),
  events,
  enabled: z.boolean().optional(),
});

export const updateWebhookBody = createWebhookBody.partial();

const isoTime = z
  .string()
  .max(64)
  .refine(
    (value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)),
    'must be an ISO 8601 date-time',
  )
  .transform((value) => new Date(value).toISOString());

export const replayBody = z.union([
  z.strictObject({ status: z.literal('dead', { message: 'must be "dead"' }) }),
  z.strictObject({ since: isoTime }),
]);

export const deliveryStatus = z.enum(DELIVERY_STATUSES, {
  message: `must be one of ${DELIVERY_STATUSES.join(', ')}`,
});
