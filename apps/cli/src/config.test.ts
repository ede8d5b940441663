import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'config.json');
writeFileSync(file, JSON.stringify({ url: 'https://file.example/', apiKey: 'slc_file' }));
const localData = join(dir, 'data');
const base = { SLUICE_CONFIG: file, SLUICE_DATA_DIR: localData };

describe('resolveConfig', () => {
  it('flags win over the environment, which wins over the config file', () => {
    expect(resolveConfig({}, base)).toMatchObject({
      url: 'https://file.example',
      apiKey: 'slc_file',
      sources: { url: file, apiKey: file },
    });
    const env = { ...base, SLUICE_URL: 'http://env.example:81', SLUICE_API_KEY: 'slc_env' };
    expect(resolveConfig({}, env)).toMatchObject({
      url: 'http://env.example:81',
      apiKey: 'slc_env',
    });
    expect(resolveConfig({ url: 'http://flag.example', apiKey: 'slc_flag' }, env)).toMatchObject({
      url: 'http://flag.example',
      apiKey: 'slc_flag',
      sources: { url: 'flag', apiKey: 'flag' },
    });
  });

  it("uses ./dev start's key only for a loopback URL", () => {
    const noFile = { SLUICE_CONFIG: join(dir, 'absent.json'), SLUICE_DATA_DIR: localData };
    expect(resolveConfig({}, noFile)).toMatchObject({
      url: 'http://127.0.0.1:8080',
      apiKey: undefined,
    });
    mkdirSync(localData, { recursive: true });
    writeFileSync(join(localData, 'api-key'), 'slc_local\n');
    expect(resolveConfig({}, noFile).apiKey).toBe('slc_local');
    expect(resolveConfig({ url: 'http://localhost:9000' }, noFile).apiKey).toBe('slc_local');
    expect(resolveConfig({ url: 'https://sluice.example.com' }, noFile).apiKey).toBeUndefined();
  });

  it('refuses a URL that is not http(s) and a config file that does not fit (exit 2)', () => {
    expect(() => resolveConfig({ url: 'ftp://x' }, base)).toThrow(/not an http\(s\) URL/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"url": "x", "extra": 1}');
    expect(() => resolveConfig({}, { SLUICE_CONFIG: broken })).toThrow(broken);
    writeFileSync(broken, 'not json');
    expect(() => resolveConfig({}, { SLUICE_CONFIG: broken })).toThrow(/is not JSON/);
  });
});
