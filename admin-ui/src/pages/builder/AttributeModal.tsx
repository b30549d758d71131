import { Group, MultiSelect, Select, Switch, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { AttributeDefinition, ModelInfo } from '../../api/content-types';
import { FormModal } from '../../components/FormModal';

export const ATTRIBUTE_TYPES = [
  { group: 'Text', items: ['string', 'text', 'richtext', 'blocks', 'email', 'password', 'uid'] },
  { group: 'Numbers', items: ['integer', 'biginteger', 'float', 'decimal'] },
  { group: 'Dates', items: ['date', 'time', 'datetime'] },
  { group: 'Other', items: ['boolean', 'enumeration', 'json'] },
  { group: 'Structure', items: ['relation', 'component', 'dynamiczone'] },
];
const RELATIONS = ['oneToOne', 'oneToMany', 'manyToOne', 'manyToMany'];

/** Adds one field to a type or component: its name, type and the options that type takes. */
export function AttributeModal({
  taken,
  contentTypes,
  components,
  attributeNames,
  onClose,
  onAdd,
}: {
  /** Names already used by the model. */
  taken: readonly string[];
  contentTypes: readonly ModelInfo[];
  components: readonly ModelInfo[];
  /** The model's string fields, for a uid's target. */
  attributeNames: readonly string[];
  onClose: () => void;
  onAdd: (name: string, attribute: AttributeDefinition) => void;
}) {
  const form = useForm({
    initialValues: {
      name: '',
      type: 'string',
      required: false,
      unique: false,
      enum: [] as string[],
      target: '',
      relation: 'manyToOne',
      component: '',
      repeatable: false,
      components: [] as string[],
      targetField: '',
    },
    validate: {
      name: (v) =>
        !/^[a-zA-Z][a-zA-Z0-9_]*$/.test(v)
          ? 'Letters, digits and _, starting with a letter'
          : taken.includes(v)
            ? 'Already used'
            : null,
      enum: (v, values) =>
        values.type === 'enumeration' && v.length === 0 ? 'Add at least one value' : null,
      target: (v, values) => (values.type === 'relation' && !v ? 'Choose the related type' : null),
      component: (v, values) => (values.type === 'component' && !v ? 'Choose a component' : null),
      components: (v, values) =>
        values.type === 'dynamiczone' && v.length === 0 ? 'Choose at least one component' : null,
    },
  });
  const { type } = form.values;
  const submit = form.onSubmit((v) => {
    const attribute: Record<string, unknown> = { type: v.type };
    if (v.required) attribute.required = true;
    if (v.unique) attribute.unique = true;
    if (v.type === 'enumeration') attribute.enum = v.enum;
    if (v.type === 'relation') Object.assign(attribute, { relation: v.relation, target: v.target });
    if (v.type === 'component')
      Object.assign(attribute, { component: v.component, repeatable: v.repeatable });
    if (v.type === 'dynamiczone') attribute.components = v.components;
    if (v.type === 'uid' && v.targetField) attribute.targetField = v.targetField;
    onAdd(v.name, attribute as unknown as AttributeDefinition);
  });
  const componentOptions = components.map((c) => ({
    value: c.uid,
    label: `${c.definition.info.displayName} (${c.uid})`,
  }));

  return (
    <FormModal title="Add a field" onClose={onClose} onSubmit={submit} submitLabel="Add">
      <TextInput label="Field name" required data-autofocus {...form.getInputProps('name')} />
      <Select
        label="Type"
        data={ATTRIBUTE_TYPES}
        allowDeselect={false}
        searchable
        {...form.getInputProps('type')}
      />
      {type === 'enumeration' && (
        <TagsInput
          label="Values"
          description="Press Enter after each value"
          {...form.getInputProps('enum')}
        />
      )}
      {type === 'relation' && (
        <Group grow>
          <Select
            label="Relation"
            data={RELATIONS}
            allowDeselect={false}
            {...form.getInputProps('relation')}
          />
          <Select
            label="Related type"
            data={contentTypes.map((t) => ({ value: t.uid, label: t.definition.info.displayName }))}
            {...form.getInputProps('target')}
          />
        </Group>
      )}
      {type === 'component' && (
        <>
          <Select label="Component" data={componentOptions} {...form.getInputProps('component')} />
          <Switch label="Repeatable" {...form.getInputProps('repeatable', { type: 'checkbox' })} />
        </>
      )}
      {type === 'dynamiczone' && (
        <MultiSelect label="Components" data={componentOptions} {...form.getInputProps('components')} />
      )}
      {type === 'uid' && (
        <Select
          label="Generated from"
          data={[...attributeNames]}
          clearable
          {...form.getInputProps('targetField')}
        />
      )}
      {!['relation', 'component', 'dynamiczone'].includes(type) && (
        <Group>
          <Switch label="Required" {...form.getInputProps('required', { type: 'checkbox' })} />
          {!['boolean', 'json', 'blocks', 'richtext', 'password'].includes(type) && (
            <Switch label="Unique" {...form.getInputProps('unique', { type: 'checkbox' })} />
          )}
        </Group>
      )}
    </FormModal>
  );
}
