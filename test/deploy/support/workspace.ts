import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Manifest {
  name: string;
  exports?: string | Record<string, string>;
  dependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Folder relative to the repository root (`packages/db`). */
  dir: string;
  name: string;
  /** The entry a `import '<name>'` loads, when the package has one. */
  entry: string | undefined;
  /** Workspace packages it needs at run time (`dependencies` only). */
  workspaceDependencies: string[];
}

/** The `packages:` globs of pnpm-workspace.yaml (one `*` level, as this repository uses). */
function workspaceGlobs(): string[] {
  const lines = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^packages:\s*$/.test(l));
  const globs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s+["']?([^"'\s]+)["']?\s*$/.exec(line);
    if (!item) break;
    globs.push(item[1]!);
  }
  return globs;
}

/** Every package of the workspace, read from the repository (nothing listed by hand). */
function workspacePackages(): WorkspacePackage[] {
  const dirs = workspaceGlobs().flatMap((glob) =>
    glob.endsWith('/*')
      ? readdirSync(join(ROOT, glob.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => `${glob.slice(0, -2)}/${e.name}`)
      : [glob],
  );
  return dirs
    .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(
        readFileSync(join(ROOT, dir, 'package.json'), 'utf8'),
      ) as Manifest;
      const exported = manifest.exports;
      return {
        dir,
        name: manifest.name,
        entry: typeof exported === 'string' ? exported : exported?.['.'],
        workspaceDependencies: Object.entries(manifest.dependencies ?? {})
          .filter(([, version]) => version.startsWith('workspace:'))
          .map(([name]) => name),
      };
    });
}

/** `roots` and every workspace package they need at run time, transitively. */
export function runtimeClosure(roots: readonly string[]): WorkspacePackage[] {
  const byName = new Map(workspacePackages().map((p) => [p.name, p]));
  const seen = new Map<string, WorkspacePackage>();
  const visit = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new Error(`${name} is not a workspace package`);
    if (seen.has(name)) return;
    seen.set(name, found);
    for (const dependency of found.workspaceDependencies) visit(dependency);
  };
  for (const root of roots) visit(root);
  return [...seen.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}
