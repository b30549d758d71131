import { Badge, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { settingsApi, type Webhook } from '../../api/settings';
import { useCan } from '../../auth/permissions';
import { PanelBoundary } from '../../components/PanelBoundary';
import { SecretReveal } from '../../components/SecretReveal';
import { DeliveryLog } from './DeliveryLog';
import { WebhookForm } from './WebhookForm';

/** Webhooks: the list, create and edit, test events, and each one's delivery log with replays. */
export function WebhooksPage() {
  const can = useCan();
  const queryClient = useQueryClient();
  const webhooks = useQuery({ queryKey: ['webhooks'], queryFn: settingsApi.webhooks });
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const test = useMutation({
    mutationFn: (id: number) => settingsApi.testWebhook(id),
    onSuccess: (_r, id) => {
      setOpen(id);
      notifications.show({ color: 'green', message: 'Test event sent' });
    },
    onError: (e) => showApiError(e),
  });
  const remove = useMutation({
    mutationFn: (id: number) => settingsApi.deleteWebhook(id),
    onError: (e) => showApiError(e),
    onSettled: refresh,
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Webhooks</Title>
        {can('admin::webhooks.create') && (
          <Button onClick={() => setEditing('new')}>Create new webhook</Button>
        )}
      </Group>
      {webhooks.isLoading && <Skeleton h={120} />}
      {webhooks.data?.length === 0 && <Text c="dimmed">No webhooks yet.</Text>}
      {webhooks.data?.map((w) => (
        <Paper key={w.id} withBorder p="md">
          <Group justify="space-between" wrap="nowrap">
            <div style={{ minWidth: 0 }}>
              <Group gap="xs">
                <Text fw={600}>{w.name}</Text>
                <Badge color={w.enabled ? 'green' : 'gray'} variant="light">
                  {w.enabled ? 'Enabled' : 'Disabled'}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed" truncate>
                {w.url}
              </Text>
              <Text size="xs" c="dimmed">
                {w.events.join(', ')}
              </Text>
            </div>
            <Group gap="xs" wrap="nowrap">
              <Button
                size="xs"
                variant="light"
                onClick={() => setOpen(open === w.id ? null : w.id)}
                aria-expanded={open === w.id}
              >
                {open === w.id ? 'Hide deliveries' : 'Deliveries'}
              </Button>
              {can('admin::webhooks.update') && (
                <>
                  <Button size="xs" variant="subtle" onClick={() => test.mutate(w.id)}>
                    Send test event
                  </Button>
                  <Button size="xs" variant="subtle" onClick={() => setEditing(w)}>
                    Edit
                  </Button>
                </>
              )}
              {can('admin::webhooks.delete') && (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() =>
                    modals.openConfirmModal({
                      title: `Delete ${w.name}?`,
                      children: <Text size="sm">Its pending deliveries are dropped.</Text>,
                      labels: { confirm: 'Delete', cancel: 'Cancel' },
                      confirmProps: { color: 'red' },
                      onConfirm: () => remove.mutate(w.id),
                    })
                  }
                >
                  Delete
                </Button>
              )}
            </Group>
          </Group>
          {open === w.id && (
            <Stack mt="md">
              <PanelBoundary label="The delivery log">
                <DeliveryLog webhookId={w.id} mayReplay={can('admin::webhooks.update')} />
              </PanelBoundary>
            </Stack>
          )}
        </Paper>
      ))}
      {editing !== null && (
        <WebhookForm
          opened
          webhook={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(newSecret) => {
            setEditing(null);
            void refresh();
            if (newSecret) setSecret(newSecret);
          }}
        />
      )}
      <SecretReveal title="The webhook's signing secret" secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
