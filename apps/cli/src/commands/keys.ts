import { apiKeyListSchema, issuedApiKeySchema } from '@sluice/contract';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';

/** sluice keys create: a new key of this key's tenant (scope admin); its secret is shown once. */
export async function createKey(
  ctx: Context,
  flags: { scopes: string; name?: string; expires?: string },
): Promise<number> {
  const issued = await ctx.client.json(issuedApiKeySchema, 'POST', '/v1/keys', {
    json: {
      scopes: flags.scopes.split(',').map((s) => s.trim()),
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.expires !== undefined ? { expiresAt: flags.expires } : {}),
    },
    signal: ctx.signal,
  });
  if (ctx.json) printJson(issued);
  else {
    process.stdout.write(`${issued.key}\n`);
    process.stderr.write(
      `key ${issued.id} (${issued.scopes.join(',')}): the secret above is shown only now\n`,
    );
  }
  return EXIT.ok;
}

export async function listKeys(ctx: Context): Promise<number> {
  const keys = await ctx.client.json(apiKeyListSchema, 'GET', '/v1/keys', { signal: ctx.signal });
  if (ctx.json) printJson(keys);
  else {
    printTable(
      ['ID', 'NAME', 'SCOPES', 'STATE', 'LAST USED'],
      keys.map((k) => [
        k.id,
        k.name,
        k.scopes.join(','),
        k.revokedAt
          ? 'revoked'
          : k.expiresAt && k.expiresAt < new Date().toISOString()
            ? 'expired'
            : 'active',
        k.lastUsedAt,
      ]),
    );
  }
  return EXIT.ok;
}

export async function revokeKey(ctx: Context, id: string): Promise<number> {
  await ctx.client.request('DELETE', `/v1/keys/${encodeURIComponent(id)}`, { signal: ctx.signal });
  if (ctx.json) printJson({ id, revoked: true });
  else process.stdout.write(`revoked ${id}\n`);
  return EXIT.ok;
}
