import { notifications } from '@mantine/notifications';
import { ApiError } from './client';

/**
 * Shows an API error where it belongs: field errors at their inputs (through `setErrors`), anything
 * else as a notification. Returns whether any field error was shown.
 */
export function showApiError(error: unknown, setErrors?: (errors: Record<string, string>) => void): boolean {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors();
    if (setErrors && Object.keys(fields).length > 0) {
      setErrors(fields);
      return true;
    }
    notifications.show({ color: 'red', title: 'The server refused', message: error.message });
    return false;
  }
  notifications.show({
    color: 'red',
    title: 'Request failed',
    message: String((error as Error)?.message ?? error),
  });
  return false;
}
