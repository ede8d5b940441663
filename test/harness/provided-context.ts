// What the harness' global setup hands to tests through vitest's inject().
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** Folder of this run; spawned app PIDs are recorded under it. */
    harnessDir: string;
  }
}

export {};
