// What the harness' global setup hands to tests through vitest's inject().
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** Ports of the same servers, for tests that restart or probe them directly. */
    pgPort: number;
    redisPort: number;
    /** Folder of this run; spawned app PIDs are recorded under it. */
    harnessDir: string;
  }
}

export {};
