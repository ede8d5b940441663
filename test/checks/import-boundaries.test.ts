import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../.dependency-cruiser.ts';

/**
 * The import-boundary rules (.dependency-cruiser.ts, run by `pnpm check:deps`)
 * on a miniature workspace with the real folder names, where each module
 * imports one thing: every forbidden import must be reported by the rule that
 * forbids it, and nothing else may be.
 */
const TREE: Record<string, string> = {
  'packages/db/src/index.ts': "export * from './jobs.ts';",
  'packages/db/src/jobs.ts': 'export const jobs = 1;',
  'packages/metrics/src/index.ts': 'export const metrics = 1;',
  // A pure package importing another package, by path and by name.
  'packages/csv/src/index.ts': "export * from '../../db/src/index.ts';",
  'packages/queue/src/index.ts': "export * from '@sluice/db';",
  // breakers' tests may use metrics; its code may not.
  'packages/breakers/src/index.ts': "export * from '../../metrics/src/index.ts';",
  'packages/breakers/src/breaker.test.ts': "import '../../metrics/src/index.ts';",
  // An app may import db, through its entry file only.
  'apps/api/src/main.ts': "import '../../../packages/db/src/index.ts';",
  'apps/api/src/deep.ts': "import '../../../packages/db/src/jobs.ts';",
  'apps/api/src/deep-by-name.ts': "import '@sluice/db/src/jobs.ts';",
  // apps/local spawns the other apps, never imports them.
  'apps/local/src/main.ts': "import '../../api/src/main.ts';",
  // The CLI speaks HTTP: contract's schemas, never db (nor any other package).
  'apps/cli/src/main.ts': "import '../../../packages/contract/src/index.ts';",
  'apps/cli/src/db.ts': "import '../../../packages/db/src/index.ts';",
  // So does the web app: contract's types, never db.
  'apps/web/src/api.ts': "import type {} from '../../../packages/contract/src/index.ts';",
  'apps/web/src/db.ts': "import '../../../packages/db/src/index.ts';",
  'packages/contract/src/index.ts': 'export const contract = 1;',
  'apps/worker/src/main.ts': "import './chunk/normalize-chunk.ts';",
  'apps/worker/src/chunk/normalize-chunk.ts': 'export const task = 1;',
  // Benchmarks may import the worker's pure task module; tests may not.
  'test/bench/run.ts': "import '../../apps/worker/src/chunk/normalize-chunk.ts';",
  'test/bench/main.ts': "import '../../apps/worker/src/main.ts';",
  'test/e2e/task.test.ts': "import '../../apps/worker/src/chunk/normalize-chunk.ts';",
  'test/support/db.ts': "import '../../packages/db/src/index.ts';",
  'test/support/deep.ts': "import '../../packages/db/src/jobs.ts';",
};

let root: string;
let result: ICruiseResult;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-boundaries-'));
  for (const [path, text] of Object.entries(TREE)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), `${text}\n`);
  }
  const { output } = await cruise(['apps', 'packages', 'test'], {
    ...config.options,
    ruleSet: { forbidden: config.forbidden ?? [] },
    validate: true,
    baseDir: root,
  });
  result = output as ICruiseResult;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('import boundaries (.dependency-cruiser.ts)', () => {
  it('cruises every module of the tree', () => {
    const cruised = result.modules.map((m) => m.source).filter((s) => s in TREE);
    expect(cruised.sort()).toEqual(Object.keys(TREE).sort());
  });

  it('reports each forbidden import under the rule that forbids it, and only those', () => {
    const violations = result.summary.violations.map(
      (v) => `${v.rule.name} | ${v.from} -> ${v.to}`,
    );
    expect(violations.sort()).toEqual(
      [
        'packages/csv may import: no other workspace package | packages/csv/src/index.ts -> packages/db/src/index.ts',
        'packages/queue may import: util | packages/queue/src/index.ts -> @sluice/db',
        'not-to-unresolvable | packages/queue/src/index.ts -> @sluice/db',
        'packages/breakers may import: util | packages/breakers/src/index.ts -> packages/metrics/src/index.ts',
        'no-deep-import | apps/api/src/deep.ts -> packages/db/src/jobs.ts',
        'no-deep-import-by-name | apps/api/src/deep-by-name.ts -> @sluice/db/src/jobs.ts',
        'apps/local may import: contract, db, local-services | apps/local/src/main.ts -> apps/api/src/main.ts',
        'files matching ^test/bench/ may import: config, lifecycle, contract, csv, normalize, db, queue, metrics, breakers, local-services, util, apps/worker/src/chunk/normalize-chunk.ts | test/bench/main.ts -> apps/worker/src/main.ts',
        'test may import: config, lifecycle, contract, csv, normalize, db, queue, metrics, breakers, local-services, util | test/e2e/task.test.ts -> apps/worker/src/chunk/normalize-chunk.ts',
        'no-deep-import | test/support/deep.ts -> packages/db/src/jobs.ts',
        'apps/cli may import: contract | apps/cli/src/db.ts -> packages/db/src/index.ts',
        'apps/web may import: contract | apps/web/src/db.ts -> packages/db/src/index.ts',
      ].sort(),
    );
    expect(result.summary.error).toBe(violations.length);
  });
});
