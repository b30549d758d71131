import { AppShell, Burger, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet, useLocation } from 'react-router';
import { useEffect } from 'react';
import { useAuth } from '../auth/AuthProvider';
import { Navigation } from './Navigation';
import { PanelBoundary } from './PanelBoundary';

/** Header, the navigation sidebar (a drawer below tablet width) and the current page. */
export function AppLayout() {
  const { state, logout } = useAuth();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  useEffect(close, [location.pathname, close]);
  // After a navigation, focus the new page's heading so screen readers announce it and Tab starts there.
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading || heading.contains(document.activeElement)) return;
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [location.pathname]);
  const user = state.status === 'authenticated' ? state.user : null;
  const name = user ? [user.firstname, user.lastname].filter(Boolean).join(' ') || user.email : '';

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text fw={800} c="indigo" size="lg">
              Quorum
            </Text>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label="Account menu">
                <Text size="sm" fw={500}>
                  {name}
                </Text>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{user?.email}</Menu.Label>
              <Menu.Item onClick={() => void logout()}>Log out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <PanelBoundary label="The navigation">
          <Navigation />
        </PanelBoundary>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        <PanelBoundary label="This page">
          <Outlet />
        </PanelBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
