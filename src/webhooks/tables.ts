/** Tables and vocabulary of webhooks (created by system migrations 0400 and 0401). */
export const WEBHOOKS_TABLE = 'quorum_webhooks';
export const DELIVERIES_TABLE = 'quorum_webhook_deliveries';

/** Events a webhook may subscribe to: Strapi's (reference §8). media.* fire once the media library emits them. */
export const WEBHOOK_EVENTS = [
  'entry.create',
  'entry.update',
  'entry.delete',
  'entry.publish',
  'entry.unpublish',
  'media.create',
  'media.update',
  'media.delete',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Outbox topic of test events: one delivery, to the webhook named by the event key. */
export const WEBHOOK_TEST_TOPIC = 'webhook.test';
export const TEST_EVENT = 'trigger-test';

/**
 * pending → delivering (claimed by a node) → delivered | pending (retry) | dead (past its max age).
 * Replay puts a delivered or dead delivery back to pending.
 */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
