/**
 * Query parameters that carry one-time codes or credentials: the email-confirmation and reset-password
 * links (`confirmation=`, `code=`), Strapi's admin registration and reset tokens, OAuth-style tokens.
 * Compared lower-cased, with any `[…]` suffix (qs arrays and objects) removed.
 */
const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'code',
  'confirmation',
  'confirmationtoken',
  'resetpasswordtoken',
  'registrationtoken',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
  'secret',
]);

export const REDACTED = '[redacted]';

/**
 * A request URL as it may be logged or traced: the values of secret-bearing query parameters replaced
 * by `[redacted]`, everything else byte for byte. A link from an email must not be usable by whoever
 * reads the logs.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1 || !SECRET_PARAMS.has(paramName(pair.slice(0, eq)))) return pair;
      return `${pair.slice(0, eq)}=${REDACTED}`;
    });
  return `${url.slice(0, mark)}?${query.join('&')}`;
}

function paramName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Malformed percent-encoding: compare the raw name.
  }
  const bracket = name.indexOf('[');
  return (bracket === -1 ? name : name.slice(0, bracket)).trim().toLowerCase();
}
