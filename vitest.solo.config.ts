import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Tests that measure latency (`*.solo.test.ts`) run after the main suite, one file at a time, so the
// main suite's other test files do not compete for the machine's two cores while they measure.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/**/*.solo.test.ts'],
    exclude: ['**/node_modules/**'],
    maxWorkers: 1,
  },
});
