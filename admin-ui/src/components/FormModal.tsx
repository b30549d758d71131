import { Button, Group, Modal, Stack, type ModalProps } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/**
 * A dialog holding one form: its fields, then Cancel and the submit button, which shows a spinner while
 * the request runs. Every "create …" and "edit …" dialog of the admin looks and behaves the same.
 */
export function FormModal({
  title,
  opened = true,
  onClose,
  onSubmit,
  busy,
  submitLabel = 'Create',
  size,
  children,
}: {
  title: ReactNode;
  /** For a dialog kept mounted while closed (default: shown while mounted). */
  opened?: boolean;
  onClose: () => void;
  onSubmit: (event?: FormEvent<HTMLFormElement>) => void;
  busy?: boolean;
  submitLabel?: string;
  size?: ModalProps['size'];
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      <form onSubmit={onSubmit}>
        <Stack>
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
