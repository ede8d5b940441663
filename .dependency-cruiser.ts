// Import boundaries of the workspace: ARCHITECTURE.md, "Who may import whom",
// checked by dependency-cruiser in `pnpm check:deps` (part of `pnpm test`).
//
// To add a workspace package or app: give its folder a line in MAY_IMPORT
// and add it to the lists of the folders that may import it. A folder under
// apps/ or packages/ without a line stops the check, so the map cannot fall
// behind the tree. test/checks/import-boundaries.test.ts checks these rules.
import { readdirSync, readFileSync } from 'node:fs';
import type { IConfiguration, IForbiddenRuleType } from 'dependency-cruiser';

const pkg = (name: string) => `packages/${name}`;

const APP_PACKAGES = [
  'config',
  'lifecycle',
  'contract',
  'csv',
  'normalize',
  'db',
  'queue',
  'metrics',
  'breakers',
  'util',
].map(pkg);

/**
 * Workspace folder -> the other workspace folders it may import, through
 * their entry file only (src/index.ts, see no-deep-import). No folder may
 * import an app: apps/local spawns the API and workers as processes, and
 * test/ drives them over HTTP.
 */
const MAY_IMPORT: Record<string, string[]> = {
  'apps/api': APP_PACKAGES,
  'apps/worker': APP_PACKAGES,
  'apps/local': [pkg('contract'), pkg('db'), pkg('local-services')],
  // The CLI is a client of the public HTTP API: the API's schemas, nothing else.
  'apps/cli': [pkg('contract')],
  // The web app is a browser client of the same API: contract's types only
  // (`import type`; its schemas would bundle zod and the normalizer).
  'apps/web': [pkg('contract')],
  'packages/config': [],
  'packages/lifecycle': [pkg('config')],
  'packages/contract': [pkg('csv'), pkg('normalize')],
  'packages/csv': [],
  'packages/normalize': [],
  'packages/db': [pkg('contract'), pkg('util')],
  'packages/queue': [pkg('util')],
  'packages/metrics': [pkg('util')],
  'packages/breakers': [pkg('util')],
  'packages/local-services': [],
  'packages/util': [],
};
// test/ may import any package (whichever are listed above).
MAY_IMPORT.test = Object.keys(MAY_IMPORT).filter((folder) => folder.startsWith('packages/'));

/**
 * Narrower places that may import more than their folder: files matching
 * `from` (inside one folder of MAY_IMPORT) may also import `extra` (workspace
 * folders, or single files).
 */
const EXCEPTIONS: { from: string; extra: string[] }[] = [
  {
    // The sluice_breaker_* metrics live in metrics; breakers' tests check
    // them, its code does not know metrics.
    from: '^packages/breakers/.+\\.test\\.ts$',
    extra: [pkg('metrics')],
  },
  {
    // db's test that every column type's SQL type is the one its dataset
    // tables get lists the types from normalize; db's code reads them
    // through contract.
    from: '^packages/db/.+\\.test\\.ts$',
    extra: [pkg('normalize')],
  },
  {
    // Benchmarks measure the worker's pure task module in isolation (the real
    // code path, without queue or database).
    from: '^test/bench/',
    extra: ['apps/worker/src/chunk/normalize-chunk.ts'],
  },
];

const ROOT = new URL('./', import.meta.url);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A folder matches everything under it; a file matches itself. */
const target = (path: string) =>
  path.endsWith('.ts') ? `^${escapeRegExp(path)}$` : `^${escapeRegExp(path)}/`;
/** A module inside some workspace folder. */
const WORKSPACE = '^(apps|packages)/[^/]+/|^test/';

function assertEveryFolderListed() {
  for (const parent of ['apps', 'packages']) {
    for (const entry of readdirSync(new URL(`${parent}/`, ROOT), { withFileTypes: true })) {
      const folder = `${parent}/${entry.name}`;
      if (entry.isDirectory() && !(folder in MAY_IMPORT)) {
        throw new Error(
          `${folder} has no line in MAY_IMPORT (.dependency-cruiser.ts): say which workspace ` +
            'folders it may import, and add it to the lists of the folders that may import it ' +
            '(ARCHITECTURE.md, "Who may import whom").',
        );
      }
    }
  }
}

/** A workspace folder's package name ('@sluice/db'), from its package.json. */
function packageName(folder: string): string {
  return JSON.parse(readFileSync(new URL(`${folder}/package.json`, ROOT), 'utf8')).name;
}

/**
 * One rule per place (folder, or exception inside it): it may import
 * nothing of the workspace but itself and what it is allowed. A second rule
 * catches the same import by package name when it does not resolve (the
 * importer's package.json does not declare it), so it is reported as a
 * boundary crossing too, not only as an unresolvable import.
 */
function boundaryRules(): IForbiddenRuleType[] {
  const rules: IForbiddenRuleType[] = [];
  const place = (
    label: string,
    folder: string,
    from: IForbiddenRuleType['from'],
    allowed: string[],
  ) => {
    const names = allowed.map((p) => p.replace(/^packages\//, ''));
    const list = names.length > 0 ? names.join(', ') : 'no other workspace package';
    const rule: Omit<IForbiddenRuleType, 'to'> = {
      name: `${label} may import: ${list}`,
      comment: `ARCHITECTURE.md, "Who may import whom": ${label} may import ${list} (a package through its entry file).`,
      severity: 'error',
      from,
    };
    rules.push(
      { ...rule, to: { path: WORKSPACE, pathNot: [target(folder), ...allowed.map(target)] } },
      {
        ...rule,
        to: {
          couldNotResolve: true,
          path: '^@sluice/',
          pathNot: [folder, ...allowed.filter((p) => !p.endsWith('.ts'))].map(
            (p) => `^${escapeRegExp(packageName(p))}(/|$)`,
          ),
        },
      },
    );
  };
  for (const [folder, allowed] of Object.entries(MAY_IMPORT)) {
    const exceptions = EXCEPTIONS.filter((e) => e.from.startsWith(target(folder)));
    const from = { path: target(folder), pathNot: exceptions.map((e) => e.from) };
    place(folder, folder, from, allowed);
    for (const exception of exceptions) {
      place(`files matching ${exception.from}`, folder, { path: exception.from }, [
        ...allowed,
        ...exception.extra,
      ]);
    }
  }
  return rules;
}

assertEveryFolderListed();

const config: IConfiguration = {
  forbidden: [
    ...boundaryRules(),
    {
      name: 'no-deep-import',
      comment:
        "Only a package's entry file (src/index.ts) is public: import '@sluice/<name>', not a " +
        'file inside the package (ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^((apps|packages)/[^/]+|test)/' },
      to: { path: '^packages/[^/]+/', pathNot: ['^$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-deep-import-by-name',
      comment:
        "Only a package's entry file is public: '@sluice/<name>', not '@sluice/<name>/...' " +
        '(its package.json exports nothing else, so that does not resolve either).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^@sluice/[^/]+/.' },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that resolves to no file: a typo, a package not installed, or a workspace ' +
        "package missing from the importer's package.json.",
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@sluice/[^/]+/.' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    // The `typescript` package (7, the native compiler) has no JavaScript API
    // dependency-cruiser can use; @swc/core parses the .ts sources instead.
    // Named explicitly: the fallback (strip types, then a tolerant JS parser)
    // missed imports and invented one ("✖") from an `import` property name.
    // swc reads the TypeScript syntax itself, so `import type` is a dependency
    // too (tsPreCompilationDeps would ask for the TypeScript compiler API).
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};

export default config;
