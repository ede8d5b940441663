/**
 * The events a webhook endpoint can subscribe to: a job reaching a final
 * status. Stable: they are the `type` of every delivered message.
 */
export const WEBHOOK_EVENT_TYPES = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
