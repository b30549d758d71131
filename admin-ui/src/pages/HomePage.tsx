import { Stack, Text, Title } from '@mantine/core';
import { useAuth } from '../auth/AuthProvider';

export function HomePage() {
  const { state } = useAuth();
  const name = state.status === 'authenticated' ? state.user.firstname || state.user.email : '';
  return (
    <Stack>
      <Title order={1}>Welcome, {name}</Title>
      <Text c="dimmed">Manage content, settings and the cluster from the navigation.</Text>
    </Stack>
  );
}
