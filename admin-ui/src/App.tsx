import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from './auth/AuthProvider';
import { AppLayout } from './components/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { SetupPage } from './pages/SetupPage';
import { HomePage } from './pages/HomePage';
import { EditPage } from './pages/content/EditPage';
import { ListPage } from './pages/content/ListPage';
import { ClusterPage } from './pages/cluster/ClusterPage';
import { MediaLibraryPage } from './pages/media/MediaLibraryPage';
import { BuilderPage } from './pages/builder/BuilderPage';
import { AdminRolesPage } from './pages/settings/AdminRolesPage';
import { AdminUsersPage } from './pages/settings/AdminUsersPage';
import { EndUsersPage } from './pages/settings/EndUsersPage';
import { ApiTokensPage } from './pages/settings/ApiTokensPage';
import { EndUserRolesPage } from './pages/settings/EndUserRolesPage';
import { WebhooksPage } from './pages/settings/WebhooksPage';

/** The screens: setup or login until there is a session, then the app inside its layout. */
export function App() {
  const { state } = useAuth();
  if (state.status === 'loading')
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (state.status === 'needs-setup') return <SetupPage />;
  if (state.status === 'anonymous') return <LoginPage />;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<HomePage />} />
        <Route path="content/:uid" element={<ListPage />} />
        <Route path="content/:uid/:documentId" element={<EditPage />} />
        <Route path="single/:uid" element={<EditPage single />} />
        <Route path="media" element={<MediaLibraryPage />} />
        <Route path="cluster" element={<ClusterPage />} />
        <Route path="builder" element={<BuilderPage />} />
        <Route path="builder/:uid" element={<BuilderPage />} />
        <Route path="settings/api-tokens" element={<ApiTokensPage />} />
        <Route path="settings/users" element={<EndUsersPage />} />
        <Route path="settings/roles" element={<EndUserRolesPage />} />
        <Route path="settings/webhooks" element={<WebhooksPage />} />
        <Route path="settings/admin-users" element={<AdminUsersPage />} />
        <Route path="settings/admin-roles" element={<AdminRolesPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
