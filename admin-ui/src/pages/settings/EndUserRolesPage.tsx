import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  JsonInput,
  Modal,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useContentTypes } from '../../api/content-types';
import { settingsApi } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { toMatrix, VERBS } from './permission-matrix';
import { ActionChecklist } from './roles/ActionChecklist';
import { PermissionTable } from './roles/PermissionTable';
import { RoleEditor, RoleUnavailable } from './roles/RoleEditor';
import { RolesLayout } from './roles/RolesLayout';
import { useRoleDraft } from './roles/use-role-draft';

/** Conditions of one grant (null: unconditional). */
type Conditions = Record<string, unknown> | null;

/** End-user roles (Public, Authenticated, …) and what each may do in the content API. */
export function EndUserRolesPage() {
  const roles = useQuery({ queryKey: ['end-user-roles'], queryFn: settingsApi.endUserRoles });
  const [selected, setSelected] = useState<number | null>(null);
  return (
    <RolesLayout
      title="Roles & permissions"
      intro="What visitors (Public) and logged-in end users may do through the content API under /api."
      navLabel="End-user roles"
      roles={roles}
      describe={(r) => `${r.nb_users} ${r.nb_users === 1 ? 'user' : 'users'}`}
      selected={selected}
      onSelect={setSelected}
    >
      {(role) => <RolePermissions key={role.id} roleId={role.id} />}
    </RolesLayout>
  );
}

function RolePermissions({ roleId }: { roleId: number }) {
  const can = useCan();
  const role = useQuery({
    queryKey: ['end-user-role', roleId],
    queryFn: () => settingsApi.endUserRole(roleId),
  });
  const actions = useQuery({ queryKey: ['content-api-actions'], queryFn: settingsApi.contentApiActions });
  const types = useContentTypes();
  // action → conditions; edited locally until saved.
  const draft = useRoleDraft<Conditions>({
    stored: role.data && new Map(role.data.permissions.map((g) => [g.action, g.conditions])),
    queryKey: ['end-user-role', roleId],
    name: role.data?.name ?? 'The role',
    send: (permissions) =>
      settingsApi.updateEndUserRole(
        roleId,
        [...permissions].map(([action, conditions]) => ({ action, conditions })),
      ),
  });
  const [editing, setEditing] = useState<string | null>(null);
  const mayUpdate = can('plugin::users-permissions.roles.update');

  if (role.error || actions.error || !role.data || !actions.data)
    return <RoleUnavailable error={role.error ?? actions.error} />;
  const { current } = draft;
  const { rows, other } = toMatrix(actions.data);
  const nameOf = (uid: string) => types.data?.find((t) => t.uid === uid)?.definition.info.displayName ?? uid;
  const toggle = (action: string) => draft.toggle(action, null);

  return (
    <RoleEditor title={role.data.name} description={role.data.description} editable={mayUpdate} draft={draft}>
      <PermissionTable
        minWidth={560}
        typeHeader="Content type"
        verbs={VERBS}
        rows={rows.map((row) => ({ ...row, key: row.uid, label: nameOf(row.uid) }))}
        cell={(row, verb) => {
          const action = row.actions[verb];
          if (!action) return null;
          const conditions = current.get(action);
          return (
            <>
              <Checkbox
                aria-label={`${row.label} ${verb}`}
                checked={current.has(action)}
                onChange={() => toggle(action)}
                disabled={!mayUpdate}
              />
              {current.has(action) && (
                <Tooltip label={conditions ? 'Edit conditions' : 'Add conditions'}>
                  <ActionIcon
                    size="xs"
                    variant={conditions ? 'filled' : 'subtle'}
                    aria-label={`Conditions of ${row.label} ${verb}`}
                    onClick={() => setEditing(action)}
                    disabled={!mayUpdate}
                  >
                    ƒ
                  </ActionIcon>
                </Tooltip>
              )}
            </>
          );
        }}
      />
      <ActionChecklist
        title="Users & permissions routes"
        actions={other}
        labelOf={(action) => action.replace('plugin::users-permissions.', '')}
        checked={(action) => current.has(action)}
        onToggle={toggle}
        disabled={!mayUpdate}
      />
      <ConditionsModal
        action={editing}
        value={editing ? (current.get(editing) ?? null) : null}
        onClose={() => setEditing(null)}
        onSave={(conditions) => {
          const next = new Map(current);
          next.set(editing!, conditions);
          draft.change(next);
          setEditing(null);
        }}
      />
    </RoleEditor>
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
