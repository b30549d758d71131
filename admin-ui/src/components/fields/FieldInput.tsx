import { NumberInput, PasswordInput, Select, Switch, TextInput, Textarea } from '@mantine/core';
import { labelOf } from '../../pages/content/columns';
import { BlocksField } from './BlocksField';
import { ComponentField } from './ComponentField';
import { DynamicZoneField } from './DynamicZoneField';
import { JsonField } from './JsonField';
import { MarkdownField } from './MarkdownField';
import { MediaField } from './MediaField';
import { RelationField } from './RelationField';
import type { FieldProps } from './types';
import { UidField } from './UidField';

/** The input for one attribute, chosen by its type; every input is labelled with the attribute's name. */
export function FieldInput(props: FieldProps) {
  const { form, path, name, attribute: a, disabled } = props;
  const label = labelOf(name);
  // Mantine's uncontrolled form remounts an input when its key changes (a reset, a loaded document); a
  // key must be given to JSX directly, not spread with the other props.
  const key = form.key(path);
  const common = {
    label,
    required: a.required,
    disabled,
    ...form.getInputProps(path),
  };
  const limits = [
    a.minLength !== undefined && `at least ${a.minLength} characters`,
    a.maxLength !== undefined && `at most ${a.maxLength} characters`,
    a.min !== undefined && `min ${a.min}`,
    a.max !== undefined && `max ${a.max}`,
  ]
    .filter(Boolean)
    .join(', ');
  const description = limits ? limits.charAt(0).toUpperCase() + limits.slice(1) : undefined;

  switch (a.type) {
    case 'string':
      return <TextInput key={key} {...common} description={description} />;
    case 'email':
      return <TextInput key={key} {...common} type="email" />;
    case 'text':
      return <Textarea key={key} {...common} description={description} autosize minRows={2} maxRows={10} />;
    case 'richtext':
      return <MarkdownField {...props} label={label} />;
    case 'blocks':
      return <BlocksField {...props} label={label} />;
    case 'json':
      return <JsonField {...props} label={label} />;
    case 'integer':
      return (
        <NumberInput
          key={key}
          {...common}
          description={description}
          allowDecimal={false}
          min={a.min}
          max={a.max}
        />
      );
    case 'float':
    case 'decimal':
      return <NumberInput key={key} {...common} description={description} min={a.min} max={a.max} />;
    case 'biginteger':
      return <TextInput key={key} {...common} inputMode="numeric" />;
    case 'boolean':
      return <Switch key={key} {...common} {...form.getInputProps(path, { type: 'checkbox' })} mt="xs" />;
    case 'date':
      return <TextInput key={key} {...common} type="date" />;
    case 'time':
      return <TextInput key={key} {...common} type="time" step={1} />;
    case 'datetime':
    case 'timestamp':
      return <TextInput key={key} {...common} type="datetime-local" />;
    case 'enumeration':
      return <Select key={key} {...common} data={[...(a.enum ?? [])]} clearable={!a.required} />;
    case 'password':
      return (
        <PasswordInput
          key={key}
          {...common}
          description="Leave empty to keep the current password"
          autoComplete="new-password"
        />
      );
    case 'uid':
      return <UidField {...props} label={label} />;
    case 'relation':
      return <RelationField {...props} label={label} />;
    case 'component':
      return <ComponentField {...props} label={label} />;
    case 'dynamiczone':
      return <DynamicZoneField {...props} label={label} />;
    case 'media':
      return <MediaField {...props} label={label} />;
    default:
      return <TextInput key={key} {...common} />;
  }
}
