import { z } from 'zod';

/**
 * Reads and validates environment variables with a zod schema. Every bad value
 * is reported at once, by variable name, so an operator can fix a deployment
 * in one go instead of one restart per typo.
 */
export class ConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  // Empty strings count as unset: `FOO=` in an .env file means "use the default".
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const key = issue.path[0];
      // Secrets are named, never echoed: the message ends up in logs.
      const value =
        typeof key === 'string' && !/PASSWORD|SECRET/.test(key) ? cleaned[key] : undefined;
      return value === undefined
        ? `${name}: ${issue.message}`
        : `${name}=${JSON.stringify(value)}: ${issue.message}`;
    }),
  );
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** A byte size written as `1048576`, `512kb`, `64MB` or `1GB` (binary units). */
export const byteSize = z
  .string()
  .regex(
    /^\s*\d+(\.\d+)?\s*([kmg]b?|b)?\s*$/i,
    'expected a size such as 1048576, 512KB, 64MB or 1GB',
  )
  .transform((s) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s)!;
    return Math.floor(Number(m[1]) * (BYTE_UNITS[m[2]!.toLowerCase()] ?? 1));
  })
  .pipe(z.number().int().positive());

export const port = z.coerce.number().int().min(0).max(65535);

/** Comma-separated web origins (`https://ops.example.com,http://10.0.0.5:8080`), as origins. */
export const originList = z.string().transform((value, ctx) => {
  const origins: string[] = [];
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {}
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item.replace(/\/$/, '')) {
      ctx.addIssue({
        code: 'custom',
        message: `expected origins such as https://ops.example.com (scheme, host and port only), got ${JSON.stringify(item)}`,
      });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
});

export const postgresUrl = z
  .string()
  .refine((s) => /^postgres(ql)?:\/\//.test(s), 'expected a postgres:// or postgresql:// URL');

export const redisUrl = z
  .string()
  .refine((s) => /^rediss?:\/\//.test(s), 'expected a redis:// or rediss:// URL');

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * BullMQ key prefix. Braces make it a Redis Cluster hash tag so a flow's parent
 * and children (different queues) land in one slot. `:` is BullMQ's separator.
 */
export const queuePrefix = z
  .string()
  .regex(/^[A-Za-z0-9{}_-]+$/, 'letters, digits, {, }, _ and - only');
