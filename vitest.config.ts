import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/moto-global-setup.ts'],
    setupFiles: ['test/support/quiet-lambda-output.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker, but most files spend their time waiting on child processes, loopback
    // servers and moto: three at once keep both cores busy.
    maxWorkers: 3,
    // The reliability line (test/reliability/) comes after the default summary, and only when those files ran.
    reporters: ['default', './test/reliability/reliability-reporter.ts'],
  },
});
