import { Alert, Badge, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { settingsApi } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { DataTable } from '../../components/DataTable';
import { Pager } from '../../components/Pager';

const USER_UID = 'plugin::users-permissions.user';

/**
 * End users (Users & Permissions): the people who sign up and log in through /api/auth. Search, page
 * through them, block or unblock one, move one to another role. End users are content of the user type,
 * so the content-manager permissions on it decide who may see and change them.
 */
export function EndUsersPage() {
  const can = useCan();
  const mayUpdate = can('plugin::content-manager.explorer.update', USER_UID);
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const users = useQuery({
    queryKey: ['end-users', page, q],
    queryFn: () => settingsApi.endUsers(page, q),
    placeholderData: keepPreviousData,
  });
  const roles = useQuery({
    queryKey: ['end-user-roles'],
    queryFn: settingsApi.endUserRoles,
    enabled: mayUpdate,
  });
  const update = useMutation({
    mutationFn: ({ id, change }: { id: number; change: { blocked?: boolean; role?: number } }) =>
      settingsApi.updateEndUser(id, change),
    onError: (e) => showApiError(e),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['end-users'] }),
  });
  // While a change is on its way its row shows the new value; a refusal puts the server's back.
  const pending = update.isPending ? update.variables : undefined;

  return (
    <Stack>
      <Title order={1}>Users</Title>
      <TextInput
        aria-label="Search users"
        placeholder="Search by username or email"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setPage(1);
        }}
        maw={360}
      />
      {users.error ? (
        <Alert color="red">The users could not be loaded: {String(users.error)}</Alert>
      ) : (
        <DataTable
          label="Users"
          minWidth={640}
          columns={['Username', 'Email', 'Role', 'Confirmed', 'Blocked']}
          loading={!users.data}
          rows={users.data?.results}
          empty={q ? 'No user matches this search.' : 'Nobody has signed up yet.'}
        >
          {(user) => {
            const change = pending?.id === user.id ? pending.change : {};
            const blocked = change.blocked ?? Boolean(user.blocked);
            const role = change.role ?? user.role?.id;
            return (
              <Table.Tr key={user.id}>
                <Table.Td>{user.username}</Table.Td>
                <Table.Td>{user.email}</Table.Td>
                <Table.Td>
                  {mayUpdate && roles.data ? (
                    <Select
                      aria-label={`Role of ${user.username}`}
                      size="xs"
                      allowDeselect={false}
                      data={roles.data.map((r) => ({ value: String(r.id), label: r.name }))}
                      value={role === undefined ? null : String(role)}
                      onChange={(value) =>
                        value && update.mutate({ id: user.id, change: { role: Number(value) } })
                      }
                      w={180}
                    />
                  ) : (
                    (user.role?.name ?? '—')
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={user.confirmed ? 'green' : 'gray'}>
                    {user.confirmed ? 'Confirmed' : 'Not confirmed'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`Block ${user.username}`}
                    checked={blocked}
                    disabled={!mayUpdate}
                    onChange={(e) =>
                      update.mutate({ id: user.id, change: { blocked: e.currentTarget.checked } })
                    }
                  />
                </Table.Td>
              </Table.Tr>
            );
          }}
        </DataTable>
      )}
      <Pager page={page} pageCount={users.data?.pagination.pageCount ?? 0} onChange={setPage}>
        <Text size="sm" c="dimmed">
          {users.data?.pagination.total} users
        </Text>
      </Pager>
    </Stack>
  );
}
