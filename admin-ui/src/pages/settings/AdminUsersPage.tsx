import {
  Badge,
  Button,
  Group,
  MultiSelect,
  PasswordInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { settingsApi, type AdminAccount, type Page } from '../../api/settings';
import { useAuth } from '../../auth/AuthProvider';
import { useCan } from '../../auth/permissions';
import { DataTable } from '../../components/DataTable';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../api/use-form-submit';

/** Administrators: who may use this admin, with which roles; create, block, delete. */
export function AdminUsersPage() {
  const can = useCan();
  const { state } = useAuth();
  const me = state.status === 'authenticated' ? state.user.id : null;
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['admin-users'], queryFn: settingsApi.adminUsers });
  const [creating, setCreating] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin-users'] });
  // Optimistic: the switch moves at once; if the server refuses, it moves back and says why.
  const block = useMutation({
    mutationFn: ({ id, blocked }: { id: number; blocked: boolean }) =>
      settingsApi.updateAdminUser(id, { blocked }),
    onMutate: async ({ id, blocked }) => {
      await queryClient.cancelQueries({ queryKey: ['admin-users'] });
      const previous = queryClient.getQueryData<Page<AdminAccount>>(['admin-users']);
      if (previous)
        queryClient.setQueryData<Page<AdminAccount>>(['admin-users'], {
          ...previous,
          results: previous.results.map((u) => (u.id === id ? { ...u, blocked } : u)),
        });
      return { previous };
    },
    onError: (e, _vars, context) => {
      if (context?.previous) queryClient.setQueryData(['admin-users'], context.previous);
      showApiError(e);
    },
    onSettled: refresh,
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Administrators</Title>
        {can('admin::users.create') && (
          <Button onClick={() => setCreating(true)}>Invite an administrator</Button>
        )}
      </Group>
      <DataTable
        minWidth={600}
        columns={['Name', 'Email', 'Roles', 'Active']}
        loading={users.isLoading}
        rows={users.data?.results}
      >
        {(u) => (
          <Table.Tr key={u.id}>
            <Table.Td>{[u.firstname, u.lastname].filter(Boolean).join(' ') || '—'}</Table.Td>
            <Table.Td>{u.email}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {u.roles.map((r) => (
                  <Badge key={r.id} variant="light">
                    {r.name}
                  </Badge>
                ))}
              </Group>
            </Table.Td>
            <Table.Td>
              <Switch
                aria-label={`${u.email} may log in`}
                checked={!u.blocked}
                disabled={!can('admin::users.update') || u.id === me}
                onChange={(e) => block.mutate({ id: u.id, blocked: !e.currentTarget.checked })}
              />
            </Table.Td>
          </Table.Tr>
        )}
      </DataTable>
      {creating && (
        <CreateAdminModal
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            void refresh();
          }}
        />
      )}
    </Stack>
  );
}

function CreateAdminModal({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const roles = useQuery({ queryKey: ['admin-roles'], queryFn: settingsApi.adminRoles });
  const form = useForm({
    initialValues: { firstname: '', lastname: '', email: '', password: '', roles: [] as string[] },
  });
  const { busy, submit } = useFormSubmit(form, async (v) => {
    await settingsApi.createAdminUser({
      email: v.email,
      password: v.password,
      ...(v.firstname ? { firstname: v.firstname } : {}),
      ...(v.lastname ? { lastname: v.lastname } : {}),
      roles: v.roles.map(Number),
    });
    onCreated();
  });
  return (
    <FormModal title="Invite an administrator" onClose={onClose} onSubmit={submit} busy={busy}>
      <Group grow>
        <TextInput label="First name" {...form.getInputProps('firstname')} />
        <TextInput label="Last name" {...form.getInputProps('lastname')} />
      </Group>
      <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
      <PasswordInput
        label="Initial password"
        required
        autoComplete="new-password"
        {...form.getInputProps('password')}
      />
      <MultiSelect
        label="Roles"
        required
        data={(roles.data ?? []).map((r) => ({ value: String(r.id), label: r.name }))}
        {...form.getInputProps('roles')}
      />
      <Text size="xs" c="dimmed">
        Share the password with them privately; they can change it after logging in.
      </Text>
    </FormModal>
  );
}
