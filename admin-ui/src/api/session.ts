/**
 * The admin's credentials. The short-lived access token lives in memory only; the refresh token is kept
 * in localStorage so a reload (or a second tab) resumes the session without a new login. Anything that
 * runs script on this origin could read it — the same trade-off as Strapi's admin, made acceptable by
 * the strict Content-Security-Policy every node sends (scripts from this origin only, no inline script).
 */
const REFRESH_KEY = 'quorum.admin.refreshToken';

export interface Tokens {
  readonly token: string;
  readonly refreshToken: string;
}

let accessToken: string | null = null;
const listeners = new Set<() => void>();

export const session = {
  accessToken: (): string | null => accessToken,
  refreshToken: (): string | null => localStorage.getItem(REFRESH_KEY),
  set(tokens: Tokens): void {
    accessToken = tokens.token;
    localStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  },
  /** Forgets both tokens and tells the app (which then shows the login screen). */
  clear(): void {
    accessToken = null;
    localStorage.removeItem(REFRESH_KEY);
    for (const listener of listeners) listener();
  },
  onCleared(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
