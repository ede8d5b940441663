import { execFile } from 'node:child_process';

/**
 * One command through redis-cli (installed with redis-server; Debian's
 * redis-tools): its raw reply, one line per element. Administration only
 * (Sentinel and Cluster set-up), never the apps' path.
 */
export function redisCli(
  server: { host: string; port: number; password?: string | undefined },
  ...args: string[]
): Promise<string> {
  const auth = server.password === undefined ? [] : ['-a', server.password, '--no-auth-warning'];
  return new Promise((resolve, reject) => {
    execFile(
      process.env.SLUICE_REDIS_CLI ?? 'redis-cli',
      ['-h', server.host, '-p', String(server.port), ...auth, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** Polls until `check` holds (errors count as "not yet"); throws with `what` after timeoutMs. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
