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
  const common = {
    label,
    required: a.required,
    disabled,
    key: form.key(path),
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
      return <TextInput {...common} description={description} />;
    case 'email':
      return <TextInput {...common} type="email" />;
    case 'text':
      return <Textarea {...common} description={description} autosize minRows={2} maxRows={10} />;
    case 'richtext':
      return <MarkdownField {...props} label={label} />;
    case 'blocks':
      return <BlocksField {...props} label={label} />;
    case 'json':
      return <JsonField {...props} label={label} />;
    case 'integer':
      return (
        <NumberInput {...common} description={description} allowDecimal={false} min={a.min} max={a.max} />
      );
    case 'float':
    case 'decimal':
      return <NumberInput {...common} description={description} min={a.min} max={a.max} />;
    case 'biginteger':
      return <TextInput {...common} inputMode="numeric" />;
    case 'boolean':
      return <Switch {...common} {...form.getInputProps(path, { type: 'checkbox' })} mt="xs" />;
    case 'date':
      return <TextInput {...common} type="date" />;
    case 'time':
      return <TextInput {...common} type="time" step={1} />;
    case 'datetime':
    case 'timestamp':
      return <TextInput {...common} type="datetime-local" />;
    case 'enumeration':
      return <Select {...common} data={[...(a.enum ?? [])]} clearable={!a.required} />;
    case 'password':
      return (
        <PasswordInput
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
      return <TextInput {...common} />;
  }
}
