import { defineConfig } from 'vitest/config';

// Two cores on the CI machine: two workers, each test file in its own process with its own database.
export default defineConfig({
  test: {
    // src: unit tests beside the code they test (no node, at most an in-memory SQLite or a PostgreSQL
    // database of their own); admin-ui/src: unit tests of the admin UI's logic and DOM tests of its editors
    // (happy-dom, per file), whose browser tests are in test/admin-ui.
    include: [
      'test/**/*.test.ts',
      'src/**/*.test.ts',
      'admin-ui/src/**/*.test.ts',
      'admin-ui/src/**/*.test.tsx',
    ],
    // Latency measurements run alone afterwards (vitest.solo.config.ts).
    exclude: ['**/node_modules/**', 'test/**/*.solo.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
