/**
 * What an API key may do. Stable: they appear in keys, in the API's 403
 * answers and in the OpenAPI document. `admin` manages the tenant's keys and webhooks.
 */
export const API_SCOPES = [
  'jobs:write',
  'jobs:read',
  'datasets:write',
  'datasets:read',
  'admin',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}
