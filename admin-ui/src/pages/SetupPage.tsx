import { Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { authApi } from '../api/auth';
import { showApiError } from '../api/form-errors';
import { useAuth } from '../auth/AuthProvider';
import { AuthCard } from '../components/AuthCard';

/** Shown while the server has no admin: creates the first (super) admin and signs them in. */
export function SetupPage() {
  const { signedIn } = useAuth();
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { firstname: '', lastname: '', email: '', password: '', confirm: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v) ? null : 'Enter an email address'),
      // The server applies the full password policy; this only catches the obvious before a round trip.
      password: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      confirm: (v, values) => (v === values.password ? null : 'The passwords differ'),
    },
  });

  const submit = form.onSubmit(async ({ confirm: _confirm, firstname, lastname, ...values }) => {
    setBusy(true);
    try {
      const { token, refreshToken } = await authApi.registerFirstAdmin({
        ...values,
        ...(firstname ? { firstname } : {}),
        ...(lastname ? { lastname } : {}),
      });
      await signedIn({ token, refreshToken });
    } catch (error) {
      showApiError(error, form.setErrors);
    } finally {
      setBusy(false);
    }
  });

  return (
    <AuthCard
      title="Welcome to Quorum"
      subtitle="Create the first administrator account. It can do everything, including inviting others."
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Group grow>
            <TextInput label="First name" autoComplete="given-name" {...form.getInputProps('firstname')} />
            <TextInput label="Last name" autoComplete="family-name" {...form.getInputProps('lastname')} />
          </Group>
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="email"
            data-autofocus
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            required
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="Confirm password"
            required
            autoComplete="new-password"
            {...form.getInputProps('confirm')}
          />
          <Button type="submit" loading={busy}>
            Create the admin account
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
