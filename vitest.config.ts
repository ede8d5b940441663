import { defineConfig } from 'vitest/config';

// Two projects, each with its own real PostgreSQL and Redis started by the
// harness on free ports: `unit` (tests beside the code) and `e2e` (test/, real
// API and worker processes).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          setupFiles: ['test/harness/no-open-handles.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          setupFiles: ['test/harness/no-open-handles.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // e2e files start whole processes; running them one at a time keeps a
          // 2-core machine from turning every timeout into a flake.
          fileParallelism: false,
        },
      },
    ],
  },
});
