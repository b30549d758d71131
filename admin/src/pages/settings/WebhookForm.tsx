import {
  Button,
  Checkbox,
  Group,
  JsonInput,
  Modal,
  SimpleGrid,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { settingsApi, WEBHOOK_EVENTS, type Webhook } from '../../api/settings';

/** Creates or edits a webhook: name, URL, events, extra headers (JSON), enabled. */
export function WebhookForm({
  webhook,
  opened,
  onClose,
  onSaved,
}: {
  webhook: Webhook | null;
  opened: boolean;
  onClose: () => void;
  /** `secret` only for a new webhook: the server shows it once. */
  onSaved: (secret?: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: {
      name: webhook?.name ?? '',
      url: webhook?.url ?? '',
      events: webhook?.events ?? ['entry.create', 'entry.update', 'entry.publish'],
      headers: webhook && Object.keys(webhook.headers).length ? JSON.stringify(webhook.headers, null, 2) : '',
      enabled: webhook?.enabled ?? true,
    },
  });
  const submit = form.onSubmit(async (v) => {
    let headers: Record<string, string> = {};
    try {
      headers = v.headers.trim() ? (JSON.parse(v.headers) as Record<string, string>) : {};
    } catch {
      return form.setFieldError('headers', 'Headers must be a JSON object of strings');
    }
    setBusy(true);
    try {
      const body = { name: v.name, url: v.url, events: v.events, headers, enabled: v.enabled };
      if (webhook) {
        await settingsApi.updateWebhook(webhook.id, body);
        onSaved();
      } else onSaved((await settingsApi.createWebhook(body)).secret);
    } catch (e) {
      showApiError(e, form.setErrors);
    } finally {
      setBusy(false);
    }
  });
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={webhook ? `Edit ${webhook.name}` : 'Create a webhook'}
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <TextInput
            label="URL"
            required
            placeholder="https://example.com/hooks/quorum"
            {...form.getInputProps('url')}
          />
          <Checkbox.Group label="Events" {...form.getInputProps('events')}>
            <SimpleGrid cols={2} mt="xs">
              {WEBHOOK_EVENTS.map((e) => (
                <Checkbox key={e} value={e} label={e} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <JsonInput
            label="Headers"
            description='Sent with every delivery, e.g. { "Authorization": "Bearer …" }'
            autosize
            minRows={2}
            {...form.getInputProps('headers')}
          />
          <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
