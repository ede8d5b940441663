import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { docker, labelledContainers } from '../support/docker.ts';
import './provided-context.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Its own tag, so a run never replaces the operator's `sluice:latest`. */
const IMAGE = 'sluice:test';
const BASE_IMAGE = 'debian:bookworm-slim';
/** Where Debian keeps the CAs an administrator added to this machine's trust. */
const HOST_CA_DIR = '/usr/local/share/ca-certificates';

const log = (message: string) => console.log(`[deploy] ${message}`);

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${name}`]).status === 0;
}

/** Tail of a log file, for an error message. */
function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function engineAnswers(): Promise<boolean> {
  return (await docker(['info', '--format', '{{.ServerVersion}}'], 10_000)).code === 0;
}

/**
 * Uses the Docker engine that answers, or starts dockerd for this run (and
 * stops it in the teardown). It keeps its data in /var/lib/docker, so base
 * image and layer cache outlive the run: the next build is warm.
 */
async function ensureEngine(): Promise<{ stop: () => Promise<void> }> {
  if (await engineAnswers()) return { stop: async () => {} };
  const logFile = join(tmpdir(), 'sluice-deploy-dockerd.log');
  const out = openSync(logFile, 'w');
  const child: ChildProcess = spawn('dockerd', [], {
    stdio: ['ignore', out, out],
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  closeSync(out);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (!(await engineAnswers())) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`dockerd did not come up (log ${logFile}):\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`started dockerd (pid ${child.pid}); it is stopped after the run`);
  return { stop };
}

/** scripts/docker-images.sh: the base image when missing, then the app image. */
async function buildImage(): Promise<void> {
  const baseMissing = (await docker(['image', 'inspect', BASE_IMAGE])).code !== 0;
  // This machine's extra CAs (a TLS-inspecting proxy's, say) are what the
  // build needs to reach the npm registry from here.
  const hostCas = readdirSync(HOST_CA_DIR, { withFileTypes: true }).some(
    (e) => e.isFile() && e.name.endsWith('.crt'),
  );
  const args = ['scripts/docker-images.sh', '--tag', IMAGE];
  if (hostCas) args.push('--ca-certs', HOST_CA_DIR);
  const logFile = join(tmpdir(), 'sluice-deploy-build.log');
  const out = openSync(logFile, 'w');
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', args, { cwd: ROOT, stdio: ['ignore', out, out] });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  closeSync(out);
  if (code !== 0) throw new Error(`image build failed (log ${logFile}):\n${tail(logFile)}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `built ${IMAGE} in ${seconds} s (${baseMissing ? `${BASE_IMAGE} made by debootstrap` : `${BASE_IMAGE} and the layer cache reused`}; log ${logFile})`,
  );
}

/**
 * Global setup of the `deploy` project: a Docker engine and the app image
 * built from this checkout. docker.io and debootstrap come from
 * scripts/bootstrap.sh (`./dev test`). The teardown removes containers the
 * tests left (and fails the run for it), keeps the images as build cache.
 */
export default async function setup(project: TestProject) {
  const missing = ['docker', 'dockerd', 'debootstrap', 'docker-compose'].filter(
    (c) => !hasCommand(c),
  );
  if (missing.length > 0) {
    throw new Error(
      `the deploy tests need ${missing.join(', ')}: run them through ./dev test (it installs docker.io, docker-compose and debootstrap), or apt-get install docker.io docker-compose debootstrap`,
    );
  }
  const engine = await ensureEngine();
  try {
    await buildImage();
  } catch (error) {
    await engine.stop();
    throw error;
  }
  project.provide('sluiceImage', IMAGE);

  return async () => {
    const left = await labelledContainers();
    if (left.length > 0) await docker(['rm', '--force', '--volumes', ...left]);
    await engine.stop();
    if (left.length > 0) {
      throw new Error(`the deploy tests left ${left.length} container(s) behind (now removed)`);
    }
  };
}
