/**
 * Cleanup for benchmark scenarios: everything a scenario starts (servers,
 * app processes, temp dirs) registers how to undo it, and the scope undoes it
 * all in reverse order when the scenario ends, whether it succeeded or threw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Step = () => unknown;

const open = new Set<Scope>();

export class Scope {
  #steps: Step[] = [];

  constructor() {
    open.add(this);
  }

  /** Runs `step` when the scope closes (last registered, first run). */
  defer(step: Step): void {
    this.#steps.push(step);
  }

  /** A fresh directory under the OS temp dir, removed when the scope closes. */
  tempDir(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), `sluice-bench-${name}-`));
    this.defer(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Undoes every step; a failing step is reported and the others still run. */
  async close(): Promise<void> {
    open.delete(this);
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`[bench] cleanup step failed: ${(error as Error).message}\n`);
      }
    }
  }
}

/** Runs `fn` with a scope that is closed afterwards, also when `fn` throws. */
export async function withScope<T>(fn: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  try {
    return await fn(scope);
  } finally {
    await scope.close();
  }
}

/** Closes every open scope, innermost first (Ctrl-C during a run). */
export async function closeAllScopes(): Promise<void> {
  for (const scope of [...open].reverse()) await scope.close();
}
