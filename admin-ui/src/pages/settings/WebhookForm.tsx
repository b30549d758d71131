import { Checkbox, JsonInput, SimpleGrid, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { settingsApi, WEBHOOK_EVENTS, type Webhook } from '../../api/settings';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../api/use-form-submit';

/**
 * Creates or edits a webhook: name, URL, events, extra headers (JSON), enabled. The server answers header
 * values masked and keeps a stored value for each mask sent back, so the form shows and resends them as is.
 */
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
  const form = useForm({
    initialValues: {
      name: webhook?.name ?? '',
      url: webhook?.url ?? '',
      events: webhook?.events ?? ['entry.create', 'entry.update', 'entry.publish'],
      headers: webhook && Object.keys(webhook.headers).length ? JSON.stringify(webhook.headers, null, 2) : '',
      enabled: webhook?.enabled ?? true,
    },
  });
  const { busy, submit } = useFormSubmit(form, async (v) => {
    let headers: Record<string, string> = {};
    try {
      headers = v.headers.trim() ? (JSON.parse(v.headers) as Record<string, string>) : {};
    } catch {
      return form.setFieldError('headers', 'Headers must be a JSON object of strings');
    }
    const body = { name: v.name, url: v.url, events: v.events, headers, enabled: v.enabled };
    if (webhook) {
      await settingsApi.updateWebhook(webhook.id, body);
      onSaved();
    } else onSaved((await settingsApi.createWebhook(body)).secret);
  });
  return (
    <FormModal
      title={webhook ? `Edit ${webhook.name}` : 'Create a webhook'}
      opened={opened}
      onClose={onClose}
      onSubmit={submit}
      busy={busy}
      submitLabel="Save"
      size="lg"
    >
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
        description={
          webhook
            ? 'Sent with every delivery. Stored values are never shown: a value left as ******** keeps it.'
            : 'Sent with every delivery, e.g. { "Authorization": "Bearer …" }'
        }
        autosize
        minRows={2}
        {...form.getInputProps('headers')}
      />
      <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
    </FormModal>
  );
}
