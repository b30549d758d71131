import {
  Badge,
  Button,
  Group,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { settingsApi, type ApiToken, type ApiTokenType } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { DataTable } from '../../components/DataTable';
import { SecretReveal } from '../../components/SecretReveal';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../api/use-form-submit';

const DAY = 24 * 3600 * 1000;
const LIFESPANS = [
  { value: String(7 * DAY), label: '7 days' },
  { value: String(30 * DAY), label: '30 days' },
  { value: String(90 * DAY), label: '90 days' },
  { value: 'unlimited', label: 'Unlimited' },
];

/** API tokens for the content API: list, create (the token is shown once), regenerate, delete. */
export function ApiTokensPage() {
  const can = useCan();
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['api-tokens'], queryFn: settingsApi.apiTokens });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-tokens'] });

  const regenerate = useMutation({
    mutationFn: (id: number) => settingsApi.regenerateApiToken(id),
    onSuccess: (token) => setSecret(token.accessKey),
    onError: (e) => showApiError(e),
  });
  const remove = useMutation({
    mutationFn: (id: number) => settingsApi.deleteApiToken(id),
    onError: (e) => showApiError(e),
    onSettled: refresh,
  });
  const confirm = (title: string, body: string, label: string, action: () => void) =>
    modals.openConfirmModal({
      title,
      children: <Text size="sm">{body}</Text>,
      labels: { confirm: label, cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: action,
    });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>API tokens</Title>
        {can('admin::api-tokens.create') && (
          <Button onClick={() => setCreating(true)}>Create new API token</Button>
        )}
      </Group>
      <DataTable
        minWidth={640}
        columns={['Name', 'Type', 'Expires', 'Last used', '']}
        loading={tokens.isLoading}
        rows={tokens.data}
        empty="No API tokens yet"
      >
        {(t: ApiToken) => (
          <Table.Tr key={t.id}>
            <Table.Td>
              <Text fw={500}>{t.name}</Text>
              {t.description && (
                <Text size="xs" c="dimmed">
                  {t.description}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Badge variant="light">{t.type}</Badge>
            </Table.Td>
            <Table.Td>{t.expiresAt ? new Date(t.expiresAt).toLocaleDateString() : 'Never'}</Table.Td>
            <Table.Td>{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : 'Never'}</Table.Td>
            <Table.Td>
              <Group gap="xs" justify="flex-end">
                {can('admin::api-tokens.regenerate') && (
                  <Button
                    size="xs"
                    variant="subtle"
                    onClick={() =>
                      confirm(
                        `Regenerate ${t.name}?`,
                        'The current token stops working at once.',
                        'Regenerate',
                        () => regenerate.mutate(t.id),
                      )
                    }
                  >
                    Regenerate
                  </Button>
                )}
                {can('admin::api-tokens.delete') && (
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() =>
                      confirm(
                        `Delete ${t.name}?`,
                        'Clients using it are refused from now on.',
                        'Delete',
                        () => remove.mutate(t.id),
                      )
                    }
                  >
                    Delete
                  </Button>
                )}
              </Group>
            </Table.Td>
          </Table.Tr>
        )}
      </DataTable>
      <CreateTokenModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(accessKey) => {
          setCreating(false);
          setSecret(accessKey);
          void refresh();
        }}
      />
      <SecretReveal title="Your new API token" secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}

function CreateTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (key: string) => void;
}) {
  const actions = useQuery({
    queryKey: ['content-api-actions'],
    queryFn: settingsApi.contentApiActions,
    enabled: opened,
  });
  const form = useForm({
    initialValues: {
      name: '',
      description: '',
      type: 'read-only' as ApiTokenType,
      lifespan: String(30 * DAY),
      permissions: [] as string[],
    },
  });
  const { busy, submit } = useFormSubmit(form, async (v) => {
    const token = await settingsApi.createApiToken({
      name: v.name,
      ...(v.description ? { description: v.description } : {}),
      type: v.type,
      ...(v.type === 'custom' ? { permissions: v.permissions } : {}),
      lifespan: v.lifespan === 'unlimited' ? null : Number(v.lifespan),
    });
    form.reset();
    onCreated(token.accessKey);
  });
  return (
    <FormModal
      title="Create an API token"
      opened={opened}
      onClose={onClose}
      onSubmit={submit}
      busy={busy}
      size="lg"
    >
      <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
      <TextInput label="Description" {...form.getInputProps('description')} />
      <Select
        label="Token type"
        allowDeselect={false}
        data={[
          { value: 'read-only', label: 'Read-only' },
          { value: 'full-access', label: 'Full access' },
          { value: 'custom', label: 'Custom' },
        ]}
        {...form.getInputProps('type')}
      />
      {form.values.type === 'custom' && (
        <MultiSelect
          label="Permissions"
          searchable
          data={actions.data ?? []}
          {...form.getInputProps('permissions')}
        />
      )}
      <Select label="Duration" allowDeselect={false} data={LIFESPANS} {...form.getInputProps('lifespan')} />
    </FormModal>
  );
}
