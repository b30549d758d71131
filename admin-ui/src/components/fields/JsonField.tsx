import { JsonInput } from '@mantine/core';
import type { FieldProps } from './types';

/** JSON as text, checked as it is typed (and again when the form is saved). */
export function JsonField({
  form,
  path,
  attribute,
  disabled,
  label,
  description,
}: FieldProps & { label: string; description?: string }) {
  return (
    <JsonInput
      label={label}
      description={description}
      required={attribute.required}
      disabled={disabled}
      validationError="Not valid JSON"
      formatOnBlur
      autosize
      minRows={3}
      maxRows={16}
      key={form.key(path)}
      {...form.getInputProps(path)}
    />
  );
}
