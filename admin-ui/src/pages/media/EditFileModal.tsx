import { TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { showApiError } from '../../api/form-errors';
import { mediaApi, type MediaFile } from '../../api/media';
import { FileThumbnail } from '../../components/media/FileThumbnail';
import { FormModal } from '../../components/FormModal';

interface Props {
  readonly file: MediaFile;
  readonly onClose: () => void;
}

/** Edits a file's name, alternative text and caption; empty texts are stored as null, as in Strapi. */
export function EditFileModal({ file, onClose }: Props) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: {
      name: file.name,
      alternativeText: file.alternativeText ?? '',
      caption: file.caption ?? '',
    },
    validate: { name: (v) => (v.trim() ? null : 'The name must not be empty') },
  });
  const save = useMutation({
    mutationFn: (values: typeof form.values) =>
      mediaApi.update(file.id, {
        name: values.name.trim(),
        alternativeText: values.alternativeText.trim() || null,
        caption: values.caption.trim() || null,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['media'] });
      onClose();
    },
    onError: (e) => showApiError(e),
  });
  return (
    <FormModal
      title={`Edit ${file.name}`}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => save.mutate(values))}
      busy={save.isPending}
      submitLabel="Save"
      size="lg"
    >
      <FileThumbnail file={file} height={160} />
      <TextInput label="File name" required {...form.getInputProps('name')} />
      <TextInput
        label="Alternative text"
        description="Describes the image for people who cannot see it"
        {...form.getInputProps('alternativeText')}
      />
      <Textarea label="Caption" autosize minRows={2} {...form.getInputProps('caption')} />
    </FormModal>
  );
}
