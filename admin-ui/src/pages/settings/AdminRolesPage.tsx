import { Alert, Button, Checkbox, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useContentTypes } from '../../api/content-types';
import { adminRolesApi, settingsApi, type AdminRolePermission } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../api/use-form-submit';
import { ActionChecklist } from './roles/ActionChecklist';
import { PermissionTable } from './roles/PermissionTable';
import { RoleEditor, RoleUnavailable } from './roles/RoleEditor';
import { RolesLayout } from './roles/RolesLayout';
import { useRoleDraft } from './roles/use-role-draft';

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
  return (
    <>
      <RolesLayout
        title="Administrator roles"
        action={
          can('admin::roles.create') && <Button onClick={() => setCreating(true)}>Create a role</Button>
        }
        navLabel="Administrator roles"
        roles={roles}
        describe={(r) => r.description}
        selected={selected}
        onSelect={setSelected}
      >
        {(role) => (
          <RolePermissions
            key={role.id}
            roleId={role.id}
            name={role.name}
            superAdmin={role.code === 'strapi-super-admin'}
          />
        )}
      </RolesLayout>
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
    </>
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
  const catalogue = useQuery({ queryKey: ['admin-catalogue'], queryFn: adminRolesApi.catalogue });
  const stored = useQuery({
    queryKey: ['admin-role-permissions', roleId],
    queryFn: () => adminRolesApi.permissions(roleId),
  });
  const types = useContentTypes();
  const draft = useRoleDraft<AdminRolePermission>({
    stored: stored.data && new Map(stored.data.map((p) => [key(p), p])),
    queryKey: ['admin-role-permissions', roleId],
    name,
    send: (permissions) => adminRolesApi.setPermissions(roleId, [...permissions.values()]),
  });
  const editable = !superAdmin && can('admin::roles.update');

  if (catalogue.error || stored.error || !catalogue.data || !stored.data)
    return <RoleUnavailable error={catalogue.error ?? stored.error} />;
  const { current } = draft;
  const settingsActions = catalogue.data.actions.filter((a) => a.subjects === null).map((a) => a.action);
  const labelOf = (uid: string) =>
    uid === ALL_TYPES
      ? 'All content types'
      : (types.data?.find((t) => t.uid === uid)?.definition.info.displayName ?? uid);
  const rows = [
    ALL_TYPES,
    ...(types.data ?? []).filter((t) => t.uid.startsWith('api::')).map((t) => t.uid),
  ].map((uid) => ({ key: uid, label: labelOf(uid), subject: uid === ALL_TYPES ? null : uid }));

  const granted = (action: string, subject: string | null) =>
    superAdmin || current.has(key({ action, subject }));
  const toggle = (action: string, subject: string | null) =>
    draft.toggle(key({ action, subject }), { action, subject, conditions: [] });
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
    draft.change(next);
  };

  return (
    <RoleEditor title={name} editable={editable} draft={draft}>
      {superAdmin && (
        <Alert variant="light">A super admin may do everything; this role cannot be changed.</Alert>
      )}
      <PermissionTable
        label="Content permissions"
        minWidth={640}
        typeHeader="Content"
        verbs={CONTENT_VERBS}
        rows={rows}
        cell={(row, verb) => (
          <Checkbox
            aria-label={`${row.label} ${verb}`}
            checked={granted(CONTENT + verb, row.subject)}
            onChange={() => toggle(CONTENT + verb, row.subject)}
            disabled={!editable}
          />
        )}
        extraColumn={{
          header: 'Own documents only',
          cell: (row) => (
            <Checkbox
              aria-label={`${row.label}: own documents only`}
              checked={ownOnly(row.subject)}
              onChange={(e) => setOwnOnly(row.subject, e.currentTarget.checked)}
              disabled={!editable}
            />
          ),
        }}
      />
      <ActionChecklist
        title="Settings"
        actions={settingsActions}
        checked={(action) => granted(action, null)}
        onToggle={(action) => toggle(action, null)}
        disabled={!editable}
      />
    </RoleEditor>
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
