import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/index.js';

export type AlertSource = 'alertmanager' | 'grafana' | 'generic';
export type AlertStatus = 'firing' | 'resolved';

/**
 * One alert episode (SPEC §3.10): a fingerprint and the ticket it opened. While `ended_at` is null
 * the episode is open, and the partial unique key lets only one open episode exist per fingerprint —
 * two replicas delivering the same alert at once open one ticket. The episode ends when the alert
 * fires again after an engineer resolved its ticket; the next one links the old ticket.
 */
export const alertEpisodes = pgTable(
  'alert_episodes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    fingerprint: text('fingerprint').notNull(),
    source: text('source').$type<AlertSource>().notNull(),
    /** Set in the transaction that claims the episode; null only inside it. */
    ticketId: integer('ticket_id').references(() => tickets.id),
    /** The ticket of the previous episode of this fingerprint, when there was one. */
    previousTicketId: integer('previous_ticket_id').references(() => tickets.id),
    alertName: text('alert_name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    /** What monitoring last reported, and the startsAt of the last firing. */
    status: text('status').$type<AlertStatus>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** Firings since the ticket opened or since the last thread note, not yet reported. */
    unreportedFirings: integer('unreported_firings').notNull().default(0),
    firings: integer('firings').notNull().default(1),
    lastNoteAt: timestamp('last_note_at', { withTimezone: true }),
    monitoringResolvedAt: timestamp('monitoring_resolved_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('alert_episodes_open_fingerprint_uq').on(t.fingerprint).where(sql`ended_at is null`),
    index('alert_episodes_fingerprint_idx').on(t.fingerprint, t.createdAt),
    index('alert_episodes_ticket_idx').on(t.ticketId),
  ],
);

/**
 * Every distinct notification received: senders retry and resend whole groups, so the key
 * (fingerprint, status, startsAt) makes a repeated delivery change nothing.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    fingerprint: text('fingerprint').notNull(),
    status: text('status').$type<AlertStatus>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    source: text('source').$type<AlertSource>().notNull(),
    episodeId: integer('episode_id').references(() => alertEpisodes.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('alert_deliveries_key_uq').on(t.fingerprint, t.status, t.startsAt),
    index('alert_deliveries_received_idx').on(t.receivedAt),
  ],
);
