import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dockerOk } from './docker.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMPOSE_FILE = 'docker/compose.yaml';

/**
 * One Compose project of docker/compose.yaml, run with Debian's
 * docker-compose (1.29) from the repository root. `env` is what the file
 * interpolates (image tag, published ports), `overrides` further Compose
 * files merged over it (settings of the apps); the project name keeps its
 * containers, volumes and networks apart from any other.
 */
export function composeProject(
  name: string,
  env: Record<string, string>,
  overrides: readonly string[] = [],
) {
  const files = [COMPOSE_FILE, ...overrides].flatMap((file) => ['--file', file]);
  const run = (args: readonly string[], timeoutMs = 300_000) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        'docker-compose',
        ['--project-name', name, ...files, ...args],
        {
          cwd: ROOT,
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0', ...env },
        },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(`docker-compose ${args.join(' ')} failed: ${error.message}\n${stderr}`),
            );
          } else resolve(stdout);
        },
      );
    });
  const label = `label=com.docker.compose.project=${name}`;
  return {
    name,
    run,
    /**
     * Ids of the running containers of one service (every replica). Asked of
     * the engine by Compose's labels (v1.29 and v2 both set them): Compose
     * v1's `ps --quiet` lists stopped ones too (a killed worker).
     */
    async containers(service: string): Promise<string[]> {
      const running = await dockerOk([
        'ps',
        '--quiet',
        '--filter',
        label,
        '--filter',
        `label=com.docker.compose.service=${service}`,
      ]);
      return running.split('\n').filter(Boolean);
    },
    /** What of the project is left on the engine: containers, volumes, networks. */
    async leftovers(): Promise<string[]> {
      const [containers, volumes, networks] = await Promise.all([
        dockerOk(['ps', '--all', '--quiet', '--filter', label]),
        dockerOk(['volume', 'ls', '--quiet', '--filter', label]),
        dockerOk(['network', 'ls', '--quiet', '--filter', label]),
      ]);
      return [
        ...containers
          .split('\n')
          .filter(Boolean)
          .map((id) => `container ${id}`),
        ...volumes
          .split('\n')
          .filter(Boolean)
          .map((id) => `volume ${id}`),
        ...networks
          .split('\n')
          .filter(Boolean)
          .map((id) => `network ${id}`),
      ];
    },
  };
}
