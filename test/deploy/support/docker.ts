import { execFile } from 'node:child_process';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Label on every container the deploy tests start (the teardown removes what is left). */
export const TEST_LABEL = 'sluice-test=deploy';

/** Runs the docker client; never throws for a non-zero exit (callers assert on it). */
export function docker(args: readonly string[], timeoutMs = 600_000): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** Like docker() but fails with the command's output when it exits non-zero. */
export async function dockerOk(args: readonly string[], timeoutMs?: number): Promise<string> {
  const result = await docker(args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `docker ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Containers (running or not) carrying the deploy tests' label. */
export async function labelledContainers(): Promise<string[]> {
  const out = await dockerOk(['ps', '--all', '--quiet', '--filter', `label=${TEST_LABEL}`]);
  return out.split('\n').filter(Boolean);
}

/** Polls a container's HEALTHCHECK status until `healthy`; fails with its probe log otherwise. */
export async function waitHealthy(container: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = JSON.parse(
      await dockerOk(['inspect', '--format', '{{json .State}}', container]),
    ) as {
      Running: boolean;
      Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> };
    };
    if (state.Health?.Status === 'healthy') return;
    if (!state.Running || Date.now() > deadline) {
      const logs = await docker(['logs', '--tail', '50', container]);
      throw new Error(
        `${container} is ${state.Running ? state.Health?.Status : 'not running'}; probes: ${JSON.stringify(state.Health?.Log ?? [])}\nlogs:\n${logs.stdout}${logs.stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
