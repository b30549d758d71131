import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

/**
 * Shows a secret the server returns once (an API token, a webhook's signing secret): the server keeps
 * only a hash or ciphertext, so closing this dialog is the last chance to copy it.
 */
export function SecretReveal({
  title,
  secret,
  onClose,
}: {
  title: string;
  secret: string | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} size="lg">
      <Stack>
        <Alert color="yellow" variant="light">
          Copy it now: it will not be shown again.
        </Alert>
        <Code block data-testid="secret-value" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? 'Copied' : 'Copy to clipboard'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Anyone with it has the access it grants; store it in a secret manager.
        </Text>
      </Stack>
    </Modal>
  );
}
