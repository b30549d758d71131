import { createTheme } from '@mantine/core';

/** Mantine's defaults with Quorum's accent colour; nothing here that Mantine already does well. */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});
