import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/moto-global-setup.ts'],
    setupFiles: ['test/support/quiet-lambda-output.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The reliability line (test/reliability/) comes after the default summary, and only when those files ran.
    reporters: ['default', './test/reliability/reliability-reporter.ts'],
  },
});
