import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { CliError, EXIT, usageError } from './exit-codes.ts';

/** Where the API is and the key that acts there. */
export interface CliConfig {
  url: string;
  apiKey: string | undefined;
  /** Where each value came from, for `sluice config` and for error messages. */
  sources: { url: string; apiKey: string };
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The config file: `<user config dir>/sluice/config.json` (XDG on Linux), or $SLUICE_CONFIG. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLUICE_CONFIG ?? join(envPaths('sluice', { suffix: '' }).config, 'config.json');
}

const configFileSchema = z.strictObject({
  url: z.url().optional(),
  apiKey: z.string().min(1).optional(),
});

function readConfigFile(path: string): z.infer<typeof configFileSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(
      `cannot read the config file ${path}: ${(error as Error).message}`,
      EXIT.usage,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(
      `the config file ${path} is not JSON; it holds {"url": "...", "apiKey": "..."}`,
    );
  }
  const checked = configFileSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw usageError(
      `the config file ${path}: ${issue.path.join('.') || 'the file'} ${issue.message} (it holds {"url": "...", "apiKey": "..."})`,
    );
  }
  return checked.data;
}

/**
 * The key `./dev start` made for its tenant `local` (`.sluice/api-key` of
 * the checkout this CLI runs from, or $SLUICE_DATA_DIR/api-key). Only ever
 * sent to a loopback address: it is that local stack's key.
 */
function localStackKey(env: NodeJS.ProcessEnv): string | undefined {
  const dataDir = env.SLUICE_DATA_DIR ?? new URL('../../../.sluice', import.meta.url).pathname;
  try {
    return readFileSync(join(dataDir, 'api-key'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

const isLoopback = (url: string) => {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
};

/** Flags win over the environment, which wins over the config file, then the defaults. */
export function resolveConfig(
  flags: { url?: string | undefined; apiKey?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): CliConfig {
  const path = configFilePath(env);
  const file = readConfigFile(path);
  const pick = (flag: string | undefined, envName: string, fromFile: string | undefined) =>
    flag !== undefined
      ? { value: flag, source: 'flag' }
      : env[envName]
        ? { value: env[envName], source: `$${envName}` }
        : fromFile !== undefined
          ? { value: fromFile, source: path }
          : undefined;
  const url = pick(flags.url, 'SLUICE_URL', file.url) ?? { value: DEFAULT_URL, source: 'default' };
  if (!URL.canParse(url.value) || !/^https?:$/.test(new URL(url.value).protocol)) {
    throw usageError(
      `the API URL ${JSON.stringify(url.value)} (${url.source}) is not an http(s) URL`,
    );
  }
  const baseUrl = url.value.replace(/\/+$/, '');
  let key = pick(flags.apiKey, 'SLUICE_API_KEY', file.apiKey);
  if (!key && isLoopback(baseUrl)) {
    const local = localStackKey(env);
    if (local) key = { value: local, source: '.sluice/api-key (./dev start)' };
  }
  return {
    url: baseUrl,
    apiKey: key?.value,
    sources: { url: url.source, apiKey: key?.source ?? 'none' },
  };
}
