import { Button, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { mediaApi, type MediaFile } from '../../api/media';
import { useCan } from '../../auth/permissions';
import { MediaBrowser } from '../../components/media/MediaBrowser';
import { UploadZone } from '../../components/media/UploadZone';
import { PanelBoundary } from '../../components/PanelBoundary';
import { EditFileModal } from './EditFileModal';

/** The media library: upload with progress, browse and search thumbnails, edit a file's texts, delete. */
export function MediaLibraryPage() {
  const can = useCan();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<MediaFile | null>(null);
  const remove = useMutation({
    mutationFn: (id: number) => mediaApi.remove(id),
    onError: (e) => showApiError(e),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['media'] }),
  });

  const confirmDelete = (file: MediaFile) =>
    modals.openConfirmModal({
      title: `Delete ${file.name}?`,
      children: <Text size="sm">The file and its formats are removed; entries that use it lose it.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(file.id),
    });

  const mayUpdate = can('plugin::upload.assets.update');
  const mayDelete = can('plugin::upload.assets.delete');
  return (
    <Stack>
      <Title order={1}>Media library</Title>
      {can('plugin::upload.assets.create') && (
        <PanelBoundary label="Uploads">
          <UploadZone />
        </PanelBoundary>
      )}
      <PanelBoundary label="The files">
        <MediaBrowser
          actions={
            mayUpdate || mayDelete
              ? (file) => (
                  <>
                    {mayUpdate && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={`Edit ${file.name}`}
                        onClick={() => setEditing(file)}
                      >
                        Edit
                      </Button>
                    )}
                    {mayDelete && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${file.name}`}
                        onClick={() => confirmDelete(file)}
                      >
                        Delete
                      </Button>
                    )}
                  </>
                )
              : undefined
          }
        />
      </PanelBoundary>
      {editing && <EditFileModal file={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
