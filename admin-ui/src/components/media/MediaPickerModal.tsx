import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { MediaFile } from '../../api/media';
import { useCan } from '../../auth/permissions';
import { PanelBoundary } from '../PanelBoundary';
import { MediaBrowser } from './MediaBrowser';
import { UploadZone } from './UploadZone';

interface Props {
  readonly title: string;
  readonly multiple: boolean;
  /** The files the field holds now: they start selected. */
  readonly initial: readonly MediaFile[];
  readonly onClose: () => void;
  readonly onChoose: (files: MediaFile[]) => void;
}

/**
 * Chooses files for a media field from the library, or uploads new ones (which are selected as they
 * arrive). A single-file field keeps one selection: choosing another file replaces it.
 */
export function MediaPickerModal({ title, multiple, initial, onClose, onChoose }: Props) {
  const can = useCan();
  // Insertion order is the order the field gets: the files it had first, then the newly chosen ones.
  const [chosen, setChosen] = useState<Map<number, MediaFile>>(() => new Map(initial.map((f) => [f.id, f])));
  const toggle = (file: MediaFile) =>
    setChosen((current) => {
      const next = new Map(multiple ? current : []);
      if (current.has(file.id)) next.delete(file.id);
      else next.set(file.id, file);
      return next;
    });
  const add = (file: MediaFile) =>
    setChosen((current) => new Map([...(multiple ? current : []), [file.id, file]]));

  return (
    <Modal opened onClose={onClose} title={title} size="80rem">
      <Stack>
        {can('plugin::upload.assets.create') && (
          <PanelBoundary label="Uploads">
            <UploadZone onUploaded={add} />
          </PanelBoundary>
        )}
        <PanelBoundary label="The files">
          <MediaBrowser selected={new Set(chosen.keys())} onToggle={toggle} />
        </PanelBoundary>
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {chosen.size} selected
          </Text>
          <Group>
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={() => onChoose([...chosen.values()])}>Use the selection</Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
