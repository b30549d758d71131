import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { authApi } from '../api/auth';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { AuthCard } from '../components/AuthCard';

export function LoginPage() {
  const { signedIn } = useAuth();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { email: '', password: '' } });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setFailure(null);
    try {
      const { token, refreshToken } = await authApi.login(values);
      await signedIn({ token, refreshToken });
    } catch (error) {
      // Wrong credentials, a lock-out or a rate limit: the server's message says which.
      setFailure(error instanceof ApiError ? error.message : 'The server could not be reached');
    } finally {
      setBusy(false);
    }
  });

  return (
    <AuthCard title="Log in" subtitle="Sign in with your administrator account.">
      <form onSubmit={submit}>
        <Stack>
          {failure && (
            <Alert color="red" role="alert" title="Login failed">
              {failure}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="username"
            data-autofocus
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            required
            autoComplete="current-password"
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={busy}>
            Log in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
