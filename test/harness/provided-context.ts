// What the harness' global setup hands to tests through vitest's inject().
declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * What apps and tests connect to: the test PostgreSQL, or with
     * SLUICE_TEST_PGBOUNCER=1 a PgBouncer in transaction pooling mode in front of it.
     */
    databaseUrl: string;
    /** The test PostgreSQL itself, never through PgBouncer (migrations, leak checks). */
    directDatabaseUrl: string;
    redisUrl: string;
    /** Ports of the same servers (`pgPort` is databaseUrl's), for tests that probe them directly. */
    pgPort: number;
    redisPort: number;
    /** Folder of this run; spawned app PIDs are recorded under it. */
    harnessDir: string;
  }
}

export {};
