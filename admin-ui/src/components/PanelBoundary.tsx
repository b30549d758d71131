import { Alert, Button, Stack, Text } from '@mantine/core';
import { QueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What the panel shows, for the message ("Bus latency could not be loaded"). */
  readonly label: string;
  readonly children: ReactNode;
}

/**
 * Keeps a failure inside one panel: the rest of the page keeps working, and "Try again" re-runs the
 * panel's queries. Queries that should land here use `throwOnError` (or suspense).
 */
export function PanelBoundary({ label, children }: Props) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Boundary label={label} onReset={reset}>
          {children}
        </Boundary>
      )}
    </QueryErrorResetBoundary>
  );
}

class Boundary extends Component<Props & { onReset: () => void }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`${this.props.label}:`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert color="red" variant="light" title={`${this.props.label} could not be loaded`} role="alert">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{this.state.error.message}</Text>
          <Button
            size="xs"
            variant="light"
            color="red"
            onClick={() => {
              this.props.onReset();
              this.setState({ error: null });
            }}
          >
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  }
}
