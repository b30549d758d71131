import { Center, Image, Text } from '@mantine/core';
import { thumbnailUrl, type MediaFile } from '../../api/media';

/** A kind per mime family, with its colour: what a file without a thumbnail is shown as. */
function kindOf(mime: string): { label: string; color: string } {
  if (mime.startsWith('image/')) return { label: 'Image', color: 'grape' };
  if (mime.startsWith('video/')) return { label: 'Video', color: 'red' };
  if (mime.startsWith('audio/')) return { label: 'Audio', color: 'orange' };
  if (mime === 'application/pdf') return { label: 'PDF', color: 'pink' };
  if (mime.startsWith('text/') || mime.includes('json') || mime.includes('xml'))
    return { label: 'Text', color: 'blue' };
  if (mime.includes('zip') || mime.includes('compressed') || mime.includes('tar'))
    return { label: 'Archive', color: 'yellow' };
  return { label: 'File', color: 'gray' };
}

interface Props {
  readonly file: Pick<MediaFile, 'formats' | 'mime' | 'url' | 'name' | 'alternativeText' | 'ext'>;
  readonly height: number;
}

/** The file's thumbnail format (or the image itself when it has none), else a tile naming its kind. */
export function FileThumbnail({ file, height }: Props) {
  const src = thumbnailUrl(file);
  if (src)
    return <Image src={src} alt={file.alternativeText || file.name} h={height} fit="cover" radius="sm" />;
  const kind = kindOf(file.mime);
  return (
    <Center
      h={height}
      bg={`var(--mantine-color-${kind.color}-light)`}
      style={{ borderRadius: 'var(--mantine-radius-sm)', flexDirection: 'column' }}
      role="img"
      aria-label={`${kind.label} file ${file.name}`}
    >
      <Text fw={700} c={`${kind.color}.8`} size="lg">
        {(file.ext ?? '').replace('.', '').toUpperCase() || kind.label}
      </Text>
      <Text size="xs" c="dimmed">
        {kind.label}
      </Text>
    </Center>
  );
}
