// What the deploy project's engine setup hands to tests through inject().
declare module 'vitest' {
  export interface ProvidedContext {
    /** Tag of the app image built from this checkout (docker/Dockerfile) for this run. */
    sluiceImage: string;
  }
}

export {};
