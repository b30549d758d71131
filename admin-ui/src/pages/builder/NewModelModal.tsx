import { Group, SegmentedControl, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { builderApi } from '../../api/builder';
import type { ModelDefinition } from '../../api/content-types';
import { slugify } from '../content/form-values';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../api/use-form-submit';

type Kind = 'collectionType' | 'singleType' | 'component';

/** Creates a collection type, a single type or a component (empty: fields are added next). */
export function NewModelModal({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (uid: string) => void;
}) {
  const form = useForm({
    initialValues: {
      kind: 'collectionType' as Kind,
      displayName: '',
      singularName: '',
      pluralName: '',
      category: 'shared',
      draftAndPublish: true,
    },
    validate: {
      displayName: (v) => (v.trim() ? null : 'Give it a name'),
      singularName: (v, values) =>
        values.kind === 'component' || /^[a-z][a-z0-9-]*$/.test(v)
          ? null
          : 'Lowercase letters, digits and dashes',
      pluralName: (v, values) =>
        values.kind === 'component' || (/^[a-z][a-z0-9-]*$/.test(v) && v !== values.singularName)
          ? null
          : 'Lowercase, and different from the singular',
      category: (v, values) =>
        values.kind !== 'component' || /^[a-z][a-z0-9-]*$/.test(v)
          ? null
          : 'Lowercase letters, digits and dashes',
    },
  });
  const { kind } = form.values;
  const name = (displayName: string) => {
    const singular = slugify(displayName);
    form.setValues({ displayName, singularName: singular, pluralName: singular ? `${singular}s` : '' });
  };

  const { busy, submit } = useFormSubmit(form, async (v) => {
    if (v.kind === 'component') {
      const uid = `${v.category}.${slugify(v.displayName)}`;
      const definition: ModelDefinition = {
        collectionName: `components_${v.category}_${slugify(v.displayName).replace(/-/g, '_')}s`,
        info: { displayName: v.displayName },
        attributes: {},
      };
      await builderApi.create('component', uid, definition);
      onCreated(uid);
    } else {
      const uid = `api::${v.singularName}.${v.singularName}`;
      const definition: ModelDefinition = {
        kind: v.kind,
        collectionName: v.pluralName.replace(/-/g, '_'),
        info: { singularName: v.singularName, pluralName: v.pluralName, displayName: v.displayName },
        options: { draftAndPublish: v.draftAndPublish },
        attributes: {},
      };
      await builderApi.create('contentType', uid, definition);
      onCreated(uid);
    }
  });

  return (
    <FormModal title="Create a type" onClose={onClose} onSubmit={submit} busy={busy}>
      <SegmentedControl
        aria-label="Kind"
        data={[
          { value: 'collectionType', label: 'Collection type' },
          { value: 'singleType', label: 'Single type' },
          { value: 'component', label: 'Component' },
        ]}
        {...form.getInputProps('kind')}
      />
      <TextInput
        label="Display name"
        required
        data-autofocus
        {...form.getInputProps('displayName')}
        onChange={(e) => name(e.currentTarget.value)}
      />
      {kind === 'component' ? (
        <TextInput label="Category" required {...form.getInputProps('category')} />
      ) : (
        <>
          <Group grow>
            <TextInput
              label="Singular name"
              required
              description="Used in the API id"
              {...form.getInputProps('singularName')}
            />
            <TextInput
              label="Plural name"
              required
              description="Used in the route: /api/…"
              {...form.getInputProps('pluralName')}
            />
          </Group>
          <Switch label="Draft & publish" {...form.getInputProps('draftAndPublish', { type: 'checkbox' })} />
        </>
      )}
    </FormModal>
  );
}
