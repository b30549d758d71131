import type { UseFormReturnType } from '@mantine/form';
import { useState } from 'react';
import { showApiError } from './form-errors';

/**
 * The submit handler of a form that sends one request: busy while it runs, the server's field errors
 * shown at their inputs and anything else as a notification (see showApiError).
 */
export function useFormSubmit<Values extends Record<string, unknown>>(
  form: UseFormReturnType<Values>,
  send: (values: Values) => Promise<void>,
): { busy: boolean; submit: (event?: React.FormEvent<HTMLFormElement>) => void } {
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    try {
      await send(values);
    } catch (error) {
      showApiError(error, form.setErrors);
    } finally {
      setBusy(false);
    }
  });
  return { busy, submit };
}
