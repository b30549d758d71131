import { Group, NavLink, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

interface Role {
  readonly id: number;
  readonly name: string;
}

/**
 * A roles screen (administrator roles, end-user roles): the roles as a navigation list beside the chosen
 * one's editor. The first role is chosen until the admin picks another.
 */
export function RolesLayout<R extends Role>({
  title,
  intro,
  action,
  navLabel,
  roles,
  describe,
  selected,
  onSelect,
  children,
}: {
  readonly title: string;
  /** A line under the title saying what these roles govern. */
  readonly intro?: ReactNode;
  /** Beside the title (a create button). */
  readonly action?: ReactNode;
  /** The role list's accessible name. */
  readonly navLabel: string;
  readonly roles: UseQueryResult<readonly R[]>;
  /** The line under each role's name in the list. */
  readonly describe: (role: R) => ReactNode;
  readonly selected: number | null;
  readonly onSelect: (id: number) => void;
  /** The chosen role's editor. */
  readonly children: (role: R) => ReactNode;
}) {
  const roleId = selected ?? roles.data?.[0]?.id ?? null;
  const role = roles.data?.find((r) => r.id === roleId);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{title}</Title>
        {action}
      </Group>
      {intro && (
        <Text c="dimmed" size="sm">
          {intro}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        <Paper withBorder p="xs" component="nav" aria-label={navLabel}>
          {roles.isLoading && <Skeleton h={80} />}
          {roles.data?.map((r) => (
            <NavLink
              key={r.id}
              component="button"
              label={r.name}
              description={describe(r)}
              active={r.id === roleId}
              onClick={() => onSelect(r.id)}
            />
          ))}
        </Paper>
        <div style={{ gridColumn: 'span 3' }}>{role && children(role)}</div>
      </SimpleGrid>
    </Stack>
  );
}
