import { defineConfig } from 'vitest/config';

// Four projects, each with its own real PostgreSQL and Redis started by the
// harness on free ports: `unit` (tests beside the code, and test/checks),
// `e2e` (test/e2e, real API and worker processes), `chaos` (test/chaos:
// kills workers, restarts PostgreSQL and Redis) and `deploy` (test/deploy:
// the Docker image, built and run on a real Docker engine). `pnpm test` runs
// them one after the other.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            // Tests of the repository's own checks (import boundaries).
            'test/checks/**/*.test.ts',
            // Pure logic of the benchmarks' support code (never their figures).
            'test/bench/**/*.test.ts',
          ],
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
          // response-contract: every answer of the APIs a file starts is held
          // to their OpenAPI document (fails the file on drift).
          setupFiles: ['test/harness/no-open-handles.ts', 'test/harness/response-contract.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // e2e files start whole processes; running them one at a time keeps a
          // 2-core machine from turning every timeout into a flake.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          // The harness' servers only provide its bookkeeping (PIDs, leak
          // check); chaos files start the PostgreSQL and Redis they break.
          globalSetup: ['test/harness/global-setup.ts'],
          setupFiles: ['test/harness/no-open-handles.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          // The harness' PostgreSQL and Redis, then a Docker engine and the
          // app image built from this checkout (torn down in reverse order:
          // containers first).
          globalSetup: ['test/harness/global-setup.ts', 'test/deploy/harness/docker-engine.ts'],
          setupFiles: ['test/harness/no-open-handles.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
