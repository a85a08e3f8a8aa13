import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
    /**
     * The channel Slack's per-channel limit counts the message in: the post's channel, the DM's user,
     * a reply's or update's parent channel. Set when queued; the worker paces and claims by it.
     */
    lane: text('lane'),
    /** When the first failed attempt began: where the search for a possibly posted message starts. */
    firstAttemptAt: timestamp('first_attempt_at', { withTimezone: true }),
    /**
     * An attempt ended without an answer that tells (timeout, dropped connection, 5xx): Slack may
     * have posted it. Every later try first looks for the message by its metadata.
     */
    maybeSent: boolean('maybe_sent').notNull().default(false),
  },
  (t) => [
    index('outbox_pending_idx').on(t.availableAt, t.id).where(sql`status = 'pending'`),
    uniqueIndex('outbox_post_key_uq').on(t.messageKey).where(sql`kind = 'post'`),
    index('outbox_target_idx').on(t.targetKey, t.id),
    uniqueIndex('outbox_dedupe_uq').on(t.dedupeKey),
    // /metrics counts failed rows at every scrape: without it, a scan of every message ever sent.
    index('outbox_failed_idx').on(t.id).where(sql`status = 'failed'`),
    // The claim walks the lanes with pending rows and takes the first due rows of each that may go:
    // its cost follows the number of channels, not a backlog (a busy channel's thousands of rows).
    index('outbox_lane_idx').on(t.lane, t.availableAt, t.id).where(sql`status = 'pending'`),
    index('outbox_lane_update_idx').on(t.lane, t.availableAt, t.id).where(sql`status = 'pending' and kind = 'update'`),
  ],
);

/**
 * Slack's limits as the outbox keeps them, shared by every replica: one row per channel
 * (`channel:C…`, a DM by its user `channel:U…`) and per Web API method (`method:chat.update`).
 * `next_at` is when the next message may go (a token bucket as one time, see outbox/pacing.ts),
 * `retry_at` Slack's last Retry-After.
 */
export const outboxPace = pgTable('outbox_pace', {
  key: text('key').primaryKey(),
  nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
  intervalMs: integer('interval_ms').notNull(),
  retryAt: timestamp('retry_at', { withTimezone: true }),
});
