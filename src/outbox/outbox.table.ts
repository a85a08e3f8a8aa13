import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export type OutboxKind = 'post' | 'reply' | 'update' | 'dm';
export type OutboxStatus = 'pending' | 'sent' | 'superseded' | 'failed';
export interface OutboxPayload {
  text: string;
  blocks?: unknown[];
  /** Mentions in replies should not notify the whole channel again. */
  replyBroadcast?: boolean;
}

/**
 * Slack messages caused by state changes, written in the same transaction as the change and
 * delivered by the worker. A `post` may carry a `messageKey` (e.g. `ticket:42`); replies and
 * updates name that key as their `targetKey` and wait until the post has its `ts`.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    kind: text('kind').$type<OutboxKind>().notNull(),
    channel: text('channel'),
    userId: text('user_id'),
    messageKey: text('message_key'),
    targetKey: text('target_key'),
    dedupeKey: text('dedupe_key'),
    payload: jsonb('payload').$type<OutboxPayload>().notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    deliveredChannel: text('delivered_channel'),
    ts: text('ts'),
  },
  (t) => [
    index('outbox_pending_idx').on(t.availableAt, t.id).where(sql`status = 'pending'`),
    uniqueIndex('outbox_post_key_uq').on(t.messageKey).where(sql`kind = 'post'`),
    index('outbox_target_idx').on(t.targetKey, t.id),
    uniqueIndex('outbox_dedupe_uq').on(t.dedupeKey),
    // /metrics counts failed rows at every scrape: without it, a scan of every message ever sent.
    index('outbox_failed_idx').on(t.id).where(sql`status = 'failed'`),
  ],
);
