import type { WebhookEventType } from '@sluice/contract';
import { sql } from 'kysely';
import type { Executor } from './schema.ts';

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  /** null: every event type. */
  eventTypes: WebhookEventType[] | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEndpointChange {
  url?: string;
  description?: string;
  eventTypes?: WebhookEventType[] | null;
  enabled?: boolean;
}

const COLUMNS = [
  'id',
  'url',
  'description',
  'event_types',
  'disabled_at',
  'created_at',
  'updated_at',
] as const;

function view(row: {
  id: string;
  url: string;
  description: string;
  event_types: string[] | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    // Only the API writes them, from WEBHOOK_EVENT_TYPES.
    eventTypes: row.event_types as WebhookEventType[] | null,
    enabled: row.disabled_at === null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createWebhookEndpoint(
  db: Executor,
  endpoint: {
    tenantId: string;
    url: string;
    description: string;
    eventTypes: WebhookEventType[] | null;
    secret: string;
  },
): Promise<WebhookEndpointView> {
  const row = await db
    .insertInto('webhook_endpoints')
    .values({
      tenant_id: endpoint.tenantId,
      url: endpoint.url,
      description: endpoint.description,
      event_types: endpoint.eventTypes,
      secret: endpoint.secret,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return view(row);
}

/** A tenant's endpoints, oldest first, and how many it has. */
export async function listWebhookEndpoints(
  db: Executor,
  tenantId: string,
  page: { limit: number; offset: number },
): Promise<{ items: WebhookEndpointView[]; total: number }> {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('webhook_endpoints')
      .select(COLUMNS)
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('webhook_endpoints')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(view), total: count.n };
}

/** The tenant's endpoint, or undefined (another tenant's is not found either). */
export async function getWebhookEndpoint(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<WebhookEndpointView | undefined> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select(COLUMNS)
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row && view(row);
}

export async function updateWebhookEndpoint(
  db: Executor,
  tenantId: string,
  id: string,
  change: WebhookEndpointChange,
): Promise<WebhookEndpointView | undefined> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set((eb) => ({
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.eventTypes !== undefined ? { event_types: change.eventTypes } : {}),
      ...(change.enabled !== undefined
        ? {
            // Disabling twice keeps the first time.
            disabled_at: change.enabled ? null : eb.fn.coalesce('disabled_at', sql<Date>`now()`),
          }
        : {}),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && view(row);
}

/** Replaces the endpoint's signing secret (the old one stops signing at once). */
export async function replaceWebhookSecret(
  db: Executor,
  tenantId: string,
  id: string,
  secret: string,
): Promise<WebhookEndpointView | undefined> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set({ secret, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && view(row);
}

/** Deletes the endpoint with its delivery log; its pending deliveries are dropped. */
export async function deleteWebhookEndpoint(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const row = await db
    .deleteFrom('webhook_endpoints')
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
