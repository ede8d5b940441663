import { describe, expect, inject, it } from 'vitest';
import { docker, dockerOk } from './support/docker.ts';
import { runtimeClosure } from './support/workspace.ts';
import './harness/provided-context.ts';

const image = inject('sluiceImage');
/** What the image runs: the API and the worker (migrate and keys are packages/db and apps/api). */
const shipped = runtimeClosure(['@sluice/api', '@sluice/worker']);

/** Runs `node -e <script>` in a throwaway container of the image; returns its stdout. */
async function nodeInImage(script: string, dockerArgs: string[] = []): Promise<string> {
  return dockerOk([
    'run',
    '--rm',
    ...dockerArgs,
    image,
    'node',
    '--input-type=module',
    '-e',
    script,
  ]);
}

describe('the app image', () => {
  it('holds every workspace package the API and the worker need, and no other', async () => {
    // No other: the launcher, local services and tests stay out.
    // The bug this pins: docker/Dockerfile once copied package.json files by a
    // hand-kept list that missed packages/breakers, so its dependencies were
    // never installed and both apps died with ERR_MODULE_NOT_FOUND.
    expect(shipped.map((p) => p.dir)).toContain('packages/breakers');
    const listed = await nodeInImage(`
      import { existsSync, readdirSync, readFileSync } from 'node:fs';
      const found = {};
      for (const top of readdirSync('/app', { withFileTypes: true })) {
        if (!top.isDirectory() || top.name === 'node_modules') continue;
        for (const dir of [top.name, ...readdirSync('/app/' + top.name).map((d) => top.name + '/' + d)]) {
          const manifest = '/app/' + dir + '/package.json';
          if (existsSync(manifest)) found[dir] = JSON.parse(readFileSync(manifest, 'utf8')).name;
        }
      }
      console.log(JSON.stringify(found));
    `);
    expect(JSON.parse(listed)).toEqual(Object.fromEntries(shipped.map((p) => [p.dir, p.name])));
  });

  it('loads every shipped package with its dependencies (no ERR_MODULE_NOT_FOUND)', async () => {
    const libraries = shipped.filter((p) => p.entry !== undefined);
    const loaded = await nodeInImage(`
      const failures = [];
      for (const [dir, entry] of ${JSON.stringify(libraries.map((p) => [p.dir, p.entry]))}) {
        try {
          await import('/app/' + dir + '/' + entry);
        } catch (error) {
          failures.push(dir + ': ' + (error.code ?? '') + ' ' + error.message);
        }
      }
      console.log(JSON.stringify(failures));
    `);
    expect(JSON.parse(loaded)).toEqual([]);
    expect(libraries.length).toBeGreaterThanOrEqual(10);
  });

  it('runs as an unprivileged user under tini, with a HEALTHCHECK', async () => {
    const config = JSON.parse(
      await dockerOk(['image', 'inspect', '--format', '{{json .Config}}', image]),
    ) as {
      User: string;
      Entrypoint: string[];
      Cmd: string[];
      Healthcheck?: { Test: string[] };
    };
    expect(config.User).toBe('10001:10001');
    expect(config.Entrypoint[0]).toBe('/usr/bin/tini');
    expect(config.Cmd).toEqual(['api']);
    expect(config.Healthcheck?.Test).toEqual([
      'CMD',
      '/bin/sh',
      '/usr/local/lib/sluice/healthcheck.sh',
    ]);
    expect((await dockerOk(['run', '--rm', image, 'id', '-u'])).trim()).toBe('10001');
    // The code is not the app user's to change.
    const write = await docker([
      'run',
      '--rm',
      image,
      'sh',
      '-c',
      'touch /app/apps/api/src/main.ts',
    ]);
    expect(write.code).not.toBe(0);
  });

  it('sizes the V8 heap from the container memory limit', async () => {
    const heapMb = async (dockerArgs: string[]) =>
      Number(
        await nodeInImage(
          'console.log(Math.round((await import("node:v8")).getHeapStatistics().heap_size_limit / 2 ** 20))',
          dockerArgs,
        ),
      );
    // 75 % of the limit, plus the young generation on top: three semi-spaces
    // of the entrypoint's --max-semi-space-size=16.
    const young = 3 * 16;
    const at512 = await heapMb(['--memory', '512m']);
    expect(at512).toBeGreaterThanOrEqual(384 + young);
    expect(at512).toBeLessThan(384 + young + 36);
    const at1g = await heapMb(['--memory', '1g']);
    expect(at1g).toBeGreaterThanOrEqual(768 + young);
    expect(at1g).toBeLessThan(768 + young + 42);
    // An operator's own heap size wins (300 MB old space + the young generation).
    const chosen = await heapMb(['--memory', '1g', '-e', 'NODE_OPTIONS=--max-old-space-size=300']);
    expect(chosen).toBeGreaterThanOrEqual(300);
    expect(chosen).toBeLessThan(360);
  });
});
