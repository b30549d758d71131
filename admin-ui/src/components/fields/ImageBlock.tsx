import { Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { MediaFile } from '../../api/media';
import { FileThumbnail } from '../media/FileThumbnail';
import { MediaPickerModal } from '../media/MediaPickerModal';

/**
 * An image block of the blocks format: its file, chosen from the media library (or uploaded there), is
 * embedded in the block as Strapi does it — the file object itself, not a reference.
 */
export function ImageBlock({
  name,
  image,
  onChoose,
  disabled,
}: {
  /** Names the block for screen readers ("Choose image block 2"). */
  name: string;
  image: Readonly<Record<string, unknown>> | undefined;
  onChoose: (image: Readonly<Record<string, unknown>>) => void;
  disabled?: boolean;
}) {
  const [picking, setPicking] = useState(false);
  const file = image as MediaFile | undefined;
  return (
    <Stack gap={4} style={{ flex: 1 }}>
      <Group>
        {file ? (
          <>
            <FileThumbnail file={file} height={64} />
            <Text size="sm">{file.alternativeText || file.name}</Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            No image chosen yet: the block is saved once it has one.
          </Text>
        )}
        <Button size="xs" variant="light" onClick={() => setPicking(true)} disabled={disabled}>
          {file ? 'Replace' : 'Choose'} image {name}
        </Button>
      </Group>
      {picking && (
        <MediaPickerModal
          title={`Image of ${name}: choose a file`}
          multiple={false}
          initial={file ? [file] : []}
          onClose={() => setPicking(false)}
          onChoose={([chosen]) => {
            if (chosen) onChoose(chosen as unknown as Readonly<Record<string, unknown>>);
            setPicking(false);
          }}
        />
      )}
    </Stack>
  );
}
