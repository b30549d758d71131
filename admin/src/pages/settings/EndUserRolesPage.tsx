import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  JsonInput,
  Modal,
  NavLink,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useContentTypes } from '../../api/content-types';
import { showApiError } from '../../api/form-errors';
import { settingsApi, type Grant } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { toMatrix, VERBS } from './permission-matrix';

/** End-user roles (Public, Authenticated, …) and what each may do in the content API. */
export function EndUserRolesPage() {
  const roles = useQuery({ queryKey: ['end-user-roles'], queryFn: settingsApi.endUserRoles });
  const [selected, setSelected] = useState<number | null>(null);
  const roleId = selected ?? roles.data?.[0]?.id ?? null;
  return (
    <Stack>
      <Title order={1}>Roles &amp; permissions</Title>
      <Text c="dimmed" size="sm">
        What visitors (Public) and logged-in end users may do through the content API under /api.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        <Paper withBorder p="xs" component="nav" aria-label="End-user roles">
          {roles.isLoading && <Skeleton h={80} />}
          {roles.data?.map((r) => (
            <NavLink
              key={r.id}
              component="button"
              label={r.name}
              description={`${r.nb_users} ${r.nb_users === 1 ? 'user' : 'users'}`}
              active={r.id === roleId}
              onClick={() => setSelected(r.id)}
            />
          ))}
        </Paper>
        <div style={{ gridColumn: 'span 3' }}>
          {roleId !== null && <RoleEditor key={roleId} roleId={roleId} />}
        </div>
      </SimpleGrid>
    </Stack>
  );
}

function RoleEditor({ roleId }: { roleId: number }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const role = useQuery({
    queryKey: ['end-user-role', roleId],
    queryFn: () => settingsApi.endUserRole(roleId),
  });
  const actions = useQuery({ queryKey: ['content-api-actions'], queryFn: settingsApi.contentApiActions });
  const types = useContentTypes();
  // action → conditions (null: unconditional); edited locally until saved.
  const [grants, setGrants] = useState<Map<string, Record<string, unknown> | null> | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const mayUpdate = can('plugin::users-permissions.roles.update');
  const save = useMutation({
    mutationFn: (permissions: Grant[]) => settingsApi.updateEndUserRole(roleId, permissions),
    onSuccess: async () => {
      setGrants(null);
      await queryClient.invalidateQueries({ queryKey: ['end-user-role', roleId] });
      notifications.show({ color: 'green', message: `${role.data?.name ?? 'The role'} saved` });
    },
    onError: (e) => showApiError(e),
  });

  if (role.error || actions.error)
    return (
      <Alert color="red">
        The role could not be loaded: {String((role.error ?? actions.error) as Error)}
      </Alert>
    );
  if (!role.data || !actions.data) return <Skeleton h={300} />;
  const current = grants ?? new Map(role.data.permissions.map((g) => [g.action, g.conditions]));
  const { rows, other } = toMatrix(actions.data);
  const nameOf = (uid: string) => types.data?.find((t) => t.uid === uid)?.definition.info.displayName ?? uid;
  const toggle = (action: string) => {
    const next = new Map(current);
    if (next.has(action)) next.delete(action);
    else next.set(action, null);
    setGrants(next);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2} size="h3">
            {role.data.name}
          </Title>
          <Text size="sm" c="dimmed">
            {role.data.description}
          </Text>
        </div>
        <Button
          onClick={() => save.mutate([...current].map(([action, conditions]) => ({ action, conditions })))}
          loading={save.isPending}
          disabled={!mayUpdate || grants === null}
        >
          Save
        </Button>
      </Group>
      <Paper withBorder>
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Content type</Table.Th>
                {VERBS.map((v) => (
                  <Table.Th key={v} ta="center">
                    {v}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.uid}>
                  <Table.Td>{nameOf(row.uid)}</Table.Td>
                  {VERBS.map((verb) => {
                    const action = row.actions[verb];
                    if (!action) return <Table.Td key={verb} />;
                    const conditions = current.get(action);
                    return (
                      <Table.Td key={verb}>
                        <Group gap={4} justify="center" wrap="nowrap">
                          <Checkbox
                            aria-label={`${nameOf(row.uid)} ${verb}`}
                            checked={current.has(action)}
                            onChange={() => toggle(action)}
                            disabled={!mayUpdate}
                          />
                          {current.has(action) && (
                            <Tooltip label={conditions ? 'Edit conditions' : 'Add conditions'}>
                              <ActionIcon
                                size="xs"
                                variant={conditions ? 'filled' : 'subtle'}
                                aria-label={`Conditions of ${nameOf(row.uid)} ${verb}`}
                                onClick={() => setEditing(action)}
                                disabled={!mayUpdate}
                              >
                                ƒ
                              </ActionIcon>
                            </Tooltip>
                          )}
                        </Group>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          Users &amp; permissions routes
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {other.map((action) => (
            <Checkbox
              key={action}
              label={action.replace('plugin::users-permissions.', '')}
              checked={current.has(action)}
              onChange={() => toggle(action)}
              disabled={!mayUpdate}
            />
          ))}
        </SimpleGrid>
      </Paper>
      <ConditionsModal
        action={editing}
        value={editing ? (current.get(editing) ?? null) : null}
        onClose={() => setEditing(null)}
        onSave={(conditions) => {
          const next = new Map(current);
          next.set(editing!, conditions);
          setGrants(next);
          setEditing(null);
        }}
      />
    </Stack>
  );
}

/** A grant's conditions: a Strapi filters object, with `$user.<field>` variables for the caller. */
function ConditionsModal({
  action,
  value,
  onClose,
  onSave,
}: {
  action: string | null;
  value: Record<string, unknown> | null;
  onClose: () => void;
  onSave: (conditions: Record<string, unknown> | null) => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      opened={action !== null}
      onClose={onClose}
      title={<Text fw={600}>Conditions of {action}</Text>}
      size="lg"
      // Start from the grant's current conditions every time the dialog opens.
      onEnterTransitionEnd={() => setText(value ? JSON.stringify(value, null, 2) : '')}
    >
      <Stack>
        <Text size="sm">
          A filters object the documents must match, e.g.{' '}
          <Badge variant="light">{'{ "author": { "id": "$user.id" } }'}</Badge>. Empty: every document.
        </Text>
        <JsonInput
          label="Conditions"
          autosize
          minRows={6}
          value={text}
          onChange={setText}
          error={error}
          formatOnBlur
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => {
              if (text.trim() === '') return onSave(null);
              try {
                const parsed = JSON.parse(text) as unknown;
                if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
                  throw new Error('not an object');
                setError(null);
                onSave(parsed as Record<string, unknown>);
              } catch {
                setError('Conditions must be a JSON object');
              }
            }}
          >
            Apply
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
