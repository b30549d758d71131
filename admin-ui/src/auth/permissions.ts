import { useAuth } from './AuthProvider';

/**
 * May the logged-in admin perform `action` (on `subject`)? Mirrors the server's rule (a null subject on
 * a content-manager action covers every `api::` type) so the UI hides what the server would refuse;
 * the server still decides. A permission limited to the admin's own documents (`admin::is-creator`)
 * counts: the content-manager routes apply it to every list and document, answering only the admin's
 * own documents and 403 for the others.
 */
export function useCan(): (action: string, subject?: string) => boolean {
  const { state } = useAuth();
  if (state.status !== 'authenticated') return () => false;
  // The server lets a super admin do everything, whatever their role's stored permissions say.
  if (state.user.roles.some((role) => role.code === 'strapi-super-admin')) return () => true;
  const { permissions } = state;
  return (action, subject) =>
    permissions.some(
      (p) =>
        p.action === action &&
        (p.subject === (subject ?? null) ||
          (p.subject === null &&
            action.startsWith('plugin::content-manager.') &&
            !!subject?.startsWith('api::'))),
    );
}
