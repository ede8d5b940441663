import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const APT_INSTALL = fileURLToPath(new URL('../../scripts/apt-install.sh', import.meta.url));

/**
 * `binary` (an absolute path), installing the Debian package that ships it
 * through scripts/apt-install.sh when it is missing (scripts/bootstrap.sh
 * installs the test tools on `./dev test`; a single file run by hand may
 * come first).
 */
export async function debianBinary(binary: string, debianPackage: string): Promise<string> {
  if (existsSync(binary)) return binary;
  process.stderr.write(
    `[test] ${binary} missing: installing the Debian package ${debianPackage}\n`,
  );
  await run('bash', [APT_INSTALL, debianPackage], { maxBuffer: 16 * 1024 * 1024 });
  if (!existsSync(binary)) throw new Error(`${debianPackage} installed but ${binary} is missing`);
  return binary;
}
