import { defineConfig } from 'vitest/config';

// Two cores on the CI machine: two workers, each test file in its own process with its own database.
export default defineConfig({
  test: {
    // admin/src: unit tests of the admin UI's logic and DOM tests of its editors (happy-dom, per file);
    // its browser tests are in test/admin-ui.
    include: ['test/**/*.test.ts', 'admin/src/**/*.test.ts', 'admin/src/**/*.test.tsx'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
