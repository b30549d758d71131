import { validationErrors } from '../core/errors.js';
import type { SecretBox } from './secrets.js';

/**
 * A webhook's own headers at rest and in the admin API. They often carry credentials for the receiver
 * (`Authorization: Bearer …`), so they are sealed like the signing secret — one JSON object sealed in
 * `sealed_headers` (migration 0402) — and the admin API answers their names with this mask as every value.
 * An edit that sends the mask back for a name keeps that header's stored value, so a form can show and
 * resend what it got without ever holding the values.
 */
export const HEADER_MASK = '********';

export type Headers = Record<string, string>;

export function sealHeaders(box: SecretBox, headers: Headers): string {
  return box.seal(JSON.stringify(headers));
}

/**
 * The headers of a stored row. Rows written before headers were sealed carry them in plain `headers`
 * (JSON) until a node seals them at start (`WebhookStore.sealPlaintextHeaders`); a node of the previous
 * version also still writes them there during a rolling upgrade. So a non-empty plain object wins, and
 * sealed rows keep `{}` in it. Throws when the sealed form cannot be opened (QUORUM_SECRET changed).
 */
export function openHeaders(box: SecretBox, plain: unknown, sealed: unknown): Headers {
  if (plain && typeof plain === 'object' && Object.keys(plain).length > 0) return plain as Headers;
  if (typeof sealed !== 'string' || sealed === '') return {};
  return JSON.parse(box.open(sealed)) as Headers;
}

/** The headers as the admin API shows them: names, each with the mask. */
export function maskHeaders(headers: Headers): Headers {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, HEADER_MASK]));
}

/**
 * The headers to store for an edit: each masked value replaced by the stored value of that header (names
 * compared case-insensitively, as HTTP does, so a name's spelling may change). A mask for a header that
 * is not stored has nothing to keep: a 400 naming it.
 */
export function unmaskHeaders(incoming: Headers, stored: Headers): Headers {
  const byName = new Map(Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]));
  const result: Headers = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== HEADER_MASK) result[name] = value;
    else if (byName.has(name.toLowerCase())) result[name] = byName.get(name.toLowerCase())!;
    else unknown.push(name);
  }
  if (unknown.length)
    throw validationErrors(
      unknown.map((name) => ({
        path: ['headers', name],
        message: `headers.${name}: "${HEADER_MASK}" keeps a stored value, and this webhook has no header ${name}`,
        name: 'ValidationError',
      })),
    );
  return result;
}
