import {
  Alert,
  Button,
  Checkbox,
  Group,
  NavLink,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useContentTypes } from '../../api/content-types';
import { showApiError } from '../../api/form-errors';
import { adminRolesApi, settingsApi, type AdminRolePermission } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../api/use-form-submit';

const CONTENT = 'plugin::content-manager.explorer.';
const CONTENT_VERBS = ['read', 'create', 'update', 'delete', 'publish'];
const IS_CREATOR = 'admin::is-creator';
/** The row standing for "every api:: type, including types added later" (a null subject). */
const ALL_TYPES = '*';

/** Admin roles: what each may do in this admin (content per type, settings), with "own documents only". */
export function AdminRolesPage() {
  const roles = useQuery({ queryKey: ['admin-roles'], queryFn: settingsApi.adminRoles });
  const can = useCan();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const roleId = selected ?? roles.data?.[0]?.id ?? null;
  const role = roles.data?.find((r) => r.id === roleId);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Administrator roles</Title>
        {can('admin::roles.create') && <Button onClick={() => setCreating(true)}>Create a role</Button>}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        <Paper withBorder p="xs" component="nav" aria-label="Administrator roles">
          {roles.isLoading && <Skeleton h={80} />}
          {roles.data?.map((r) => (
            <NavLink
              key={r.id}
              component="button"
              label={r.name}
              description={r.description}
              active={r.id === roleId}
              onClick={() => setSelected(r.id)}
            />
          ))}
        </Paper>
        <div style={{ gridColumn: 'span 3' }}>
          {role && (
            <RolePermissions
              key={role.id}
              roleId={role.id}
              name={role.name}
              superAdmin={role.code === 'strapi-super-admin'}
            />
          )}
        </div>
      </SimpleGrid>
      {creating && (
        <CreateRoleModal
          onClose={() => setCreating(false)}
          onCreated={async (id) => {
            setCreating(false);
            await queryClient.invalidateQueries({ queryKey: ['admin-roles'] });
            setSelected(id);
          }}
        />
      )}
    </Stack>
  );
}

const key = (p: { action: string; subject: string | null }) => `${p.action}|${p.subject ?? ALL_TYPES}`;

function RolePermissions({
  roleId,
  name,
  superAdmin,
}: {
  roleId: number;
  name: string;
  superAdmin: boolean;
}) {
  const can = useCan();
  const queryClient = useQueryClient();
  const catalogue = useQuery({ queryKey: ['admin-catalogue'], queryFn: adminRolesApi.catalogue });
  const stored = useQuery({
    queryKey: ['admin-role-permissions', roleId],
    queryFn: () => adminRolesApi.permissions(roleId),
  });
  const types = useContentTypes();
  const [edited, setEdited] = useState<Map<string, AdminRolePermission> | null>(null);
  const editable = !superAdmin && can('admin::roles.update');
  const save = useMutation({
    mutationFn: (permissions: AdminRolePermission[]) => adminRolesApi.setPermissions(roleId, permissions),
    onSuccess: async () => {
      setEdited(null);
      await queryClient.invalidateQueries({ queryKey: ['admin-role-permissions', roleId] });
      notifications.show({ color: 'green', message: `${name} saved` });
    },
    onError: (e) => showApiError(e),
  });

  if (catalogue.error || stored.error) return <Alert color="red">The role could not be loaded</Alert>;
  if (!catalogue.data || !stored.data) return <Skeleton h={300} />;
  const current = edited ?? new Map(stored.data.map((p) => [key(p), p]));
  const settingsActions = catalogue.data.actions.filter((a) => a.subjects === null).map((a) => a.action);
  const subjects = [
    ALL_TYPES,
    ...(types.data ?? []).filter((t) => t.uid.startsWith('api::')).map((t) => t.uid),
  ];
  const labelOf = (uid: string) =>
    uid === ALL_TYPES
      ? 'All content types'
      : (types.data?.find((t) => t.uid === uid)?.definition.info.displayName ?? uid);

  const toggle = (action: string, subject: string | null) => {
    const next = new Map(current);
    const k = key({ action, subject });
    if (next.has(k)) next.delete(k);
    else next.set(k, { action, subject, conditions: [] });
    setEdited(next);
  };
  // "Own documents only" applies to every content action of the row.
  const ownOnly = (subject: string | null) =>
    CONTENT_VERBS.some((v) =>
      current.get(key({ action: CONTENT + v, subject }))?.conditions.includes(IS_CREATOR),
    );
  const setOwnOnly = (subject: string | null, on: boolean) => {
    const next = new Map(current);
    for (const v of CONTENT_VERBS) {
      const k = key({ action: CONTENT + v, subject });
      const p = next.get(k);
      if (p) next.set(k, { ...p, conditions: on ? [IS_CREATOR] : [] });
    }
    setEdited(next);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {name}
        </Title>
        {editable && (
          <Button
            onClick={() => save.mutate([...current.values()])}
            loading={save.isPending}
            disabled={edited === null}
          >
            Save
          </Button>
        )}
      </Group>
      {superAdmin && (
        <Alert variant="light">A super admin may do everything; this role cannot be changed.</Alert>
      )}
      <Paper withBorder>
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Content permissions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Content</Table.Th>
                {CONTENT_VERBS.map((v) => (
                  <Table.Th key={v} ta="center">
                    {v}
                  </Table.Th>
                ))}
                <Table.Th>Own documents only</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {subjects.map((uid) => {
                const subject = uid === ALL_TYPES ? null : uid;
                return (
                  <Table.Tr key={uid}>
                    <Table.Td>{labelOf(uid)}</Table.Td>
                    {CONTENT_VERBS.map((v) => (
                      <Table.Td key={v} ta="center">
                        <Checkbox
                          aria-label={`${labelOf(uid)} ${v}`}
                          checked={superAdmin || current.has(key({ action: CONTENT + v, subject }))}
                          onChange={() => toggle(CONTENT + v, subject)}
                          disabled={!editable}
                          styles={{ body: { justifyContent: 'center' } }}
                        />
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Checkbox
                        aria-label={`${labelOf(uid)}: own documents only`}
                        checked={ownOnly(subject)}
                        onChange={(e) => setOwnOnly(subject, e.currentTarget.checked)}
                        disabled={!editable}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          Settings
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {settingsActions.map((action) => (
            <Checkbox
              key={action}
              label={action}
              checked={superAdmin || current.has(key({ action, subject: null }))}
              onChange={() => toggle(action, null)}
              disabled={!editable}
            />
          ))}
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}

function CreateRoleModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const form = useForm({ initialValues: { name: '', description: '' } });
  const { busy, submit } = useFormSubmit(form, async (v) => {
    const role = await adminRolesApi.create({
      name: v.name,
      ...(v.description ? { description: v.description } : {}),
    });
    onCreated(role.id);
  });
  return (
    <FormModal title="Create an administrator role" onClose={onClose} onSubmit={submit} busy={busy}>
      <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
      <TextInput label="Description" {...form.getInputProps('description')} />
      <Text size="xs" c="dimmed">
        A new role may do nothing until you grant its permissions.
      </Text>
    </FormModal>
  );
}
