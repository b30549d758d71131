import { NavLink, ScrollArea, Skeleton, Stack, Text } from '@mantine/core';
import { NavLink as RouterLink, useLocation } from 'react-router';
import { displayName, useContentTypes, type ModelInfo } from '../api/content-types';
import { useCan } from '../auth/permissions';

/** End users are content of this type: the content-manager permissions on it open their screen. */
const USER_UID = 'plugin::users-permissions.user';

/** The sidebar: the content types the admin may read, then the screens their permissions open. */
export function Navigation() {
  const { pathname } = useLocation();
  const can = useCan();
  const types = useContentTypes();
  const link = (to: string, label: string) => (
    <NavLink
      key={to}
      component={RouterLink}
      to={to}
      label={label}
      active={pathname === to || pathname.startsWith(`${to}/`)}
    />
  );
  const readable = (types.data ?? []).filter((t) => can('plugin::content-manager.explorer.read', t.uid));
  const byName = (a: ModelInfo, b: ModelInfo) => displayName(a).localeCompare(displayName(b));
  const section = (label: string) => (
    <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
      {label}
    </Text>
  );

  const settings = (
    [
      ['/settings/api-tokens', 'API tokens', 'admin::api-tokens.read'],
      ['/settings/users', 'Users', 'plugin::content-manager.explorer.read', USER_UID],
      ['/settings/roles', 'Roles & permissions', 'plugin::users-permissions.roles.read'],
      ['/settings/webhooks', 'Webhooks', 'admin::webhooks.read'],
      ['/settings/admin-users', 'Administrators', 'admin::users.read'],
      ['/settings/admin-roles', 'Administrator roles', 'admin::roles.read'],
    ] as const
  ).filter(([, , action, subject]) => can(action, subject));

  return (
    <ScrollArea>
      <Stack gap={0}>
        {link('/', 'Home')}
        {section('Collection types')}
        {types.isLoading && <Skeleton h={28} m="xs" />}
        {readable
          .filter((t) => t.kind === 'collectionType')
          .sort(byName)
          .map((t) => link(`/content/${t.uid}`, displayName(t)))}
        {section('Single types')}
        {readable
          .filter((t) => t.kind === 'singleType')
          .sort(byName)
          .map((t) => link(`/single/${t.uid}`, displayName(t)))}
        {can('plugin::upload.read') && section('Media')}
        {can('plugin::upload.read') && link('/media', 'Media library')}
        {(can('plugin::content-type-builder.read') || can('admin::cluster.read')) &&
          section('Build & operate')}
        {can('plugin::content-type-builder.read') && link('/builder', 'Content-type builder')}
        {can('admin::cluster.read') && link('/cluster', 'Cluster')}
        {settings.length > 0 && section('Settings')}
        {settings.map(([to, label]) => link(to, label))}
        {types.error != null && (
          <Text size="sm" c="red" px="sm">
            Content types could not be loaded
          </Text>
        )}
      </Stack>
    </ScrollArea>
  );
}
