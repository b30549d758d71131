import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi, type AdminPermission, type AdminUser } from '../api/auth';
import { refreshSession } from '../api/client';
import { session, type Tokens } from '../api/session';

type AuthState =
  | { status: 'loading' }
  | { status: 'needs-setup' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; user: AdminUser; permissions: readonly AdminPermission[] };

interface AuthContextValue {
  readonly state: AuthState;
  /** After setup or login: keep the tokens and load who the admin is and what they may do. */
  signedIn(tokens: Tokens): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/**
 * Decides which screen the app starts on: first-admin setup when the server has no admin, the login
 * page without a session, the app otherwise. A stored refresh token resumes the session silently.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const queryClient = useQueryClient();

  const loadAdmin = useCallback(async () => {
    const [user, permissions] = await Promise.all([authApi.me(), authApi.myPermissions()]);
    setState({ status: 'authenticated', user, permissions });
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      if (!(await authApi.hasAdmin())) return void (cancelled || setState({ status: 'needs-setup' }));
      if (session.refreshToken() && (await refreshSession())) return void (cancelled || (await loadAdmin()));
      if (!cancelled) setState({ status: 'anonymous' });
    })().catch(() => cancelled || setState({ status: 'anonymous' }));
    return () => {
      cancelled = true;
    };
  }, [loadAdmin]);

  // A refresh that failed somewhere in the app (session revoked or expired) ends the session here.
  useEffect(
    () =>
      session.onCleared(() => {
        queryClient.clear();
        setState({ status: 'anonymous' });
      }),
    [queryClient],
  );

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      async signedIn(tokens) {
        session.set(tokens);
        await loadAdmin();
      },
      async logout() {
        await authApi.logout(session.refreshToken()).catch(() => undefined);
        session.clear();
      },
    }),
    [state, loadAdmin],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside <AuthProvider>');
  return value;
}
