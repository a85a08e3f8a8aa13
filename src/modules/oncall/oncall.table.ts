import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/index.js';

export type OverrideStatus = 'pending' | 'active' | 'declined' | 'superseded' | 'expired';

/**
 * Cover for one shift (`/oncall swap`): `coveringUser` is on call instead of the scheduled member.
 * Pending until the covering person accepts; a supervisor's override is active at once (`forced`).
 */
export const oncallOverrides = pgTable(
  'oncall_overrides',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    rotation: text('rotation').notNull(),
    shiftStart: timestamp('shift_start', { withTimezone: true }).notNull(),
    shiftEnd: timestamp('shift_end', { withTimezone: true }).notNull(),
    /** Who was on call for the shift when cover was asked (the scheduled member or an earlier cover). */
    replacedUser: text('replaced_user').notNull(),
    coveringUser: text('covering_user').notNull(),
    requestedBy: text('requested_by').notNull(),
    status: text('status').$type<OverrideStatus>().notNull(),
    forced: boolean('forced').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    /** The form's view id: a repeated submission finds the first request. */
    requestKey: text('request_key'),
  },
  (t) => [
    uniqueIndex('oncall_overrides_active_uq').on(t.rotation, t.shiftStart).where(sql`status = 'active'`),
    uniqueIndex('oncall_overrides_request_uq').on(t.requestKey),
    index('oncall_overrides_shift_idx').on(t.rotation, t.shiftStart),
  ],
);

/**
 * A handover (值班交接) at a shift boundary: the thread, the outgoing engineer's check-out, the
 * incoming engineer's acknowledgement and check-in (打卡), and the reminder/escalation once each.
 */
export const oncallHandovers = pgTable(
  'oncall_handovers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    rotation: text('rotation').notNull(),
    handoverAt: timestamp('handover_at', { withTimezone: true }).notNull(),
    shiftIndex: integer('shift_index').notNull(),
    shiftEnd: timestamp('shift_end', { withTimezone: true }).notNull(),
    outgoing: text('outgoing'),
    incoming: text('incoming').notNull(),
    channel: text('channel'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    checkedOutAt: timestamp('checked_out_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    ticketsMoved: integer('tickets_moved'),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    /** What the thread showed when it opened (counts), for reports. */
    snapshot: jsonb('snapshot').$type<Record<string, number>>(),
  },
  (t) => [
    uniqueIndex('oncall_handovers_slot_uq').on(t.rotation, t.handoverAt),
    index('oncall_handovers_unacked_idx').on(t.openedAt).where(sql`acknowledged_at is null`),
    index('oncall_handovers_incoming_idx').on(t.incoming, t.handoverAt),
  ],
);

/** The outgoing engineer's note for a handover; one per handover, the latest edit wins. */
export const oncallNotes = pgTable(
  'oncall_notes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    rotation: text('rotation').notNull(),
    handoverAt: timestamp('handover_at', { withTimezone: true }).notNull(),
    author: text('author').notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('oncall_notes_slot_uq').on(t.rotation, t.handoverAt)],
);

export type PageStatus = 'paging' | 'taken' | 'answered' | 'exhausted';
export interface PageTrailEntry {
  user: string;
  at: string;
  outcome: 'paged' | 'declined' | 'timeout' | 'taken';
}

/**
 * A P1 page (紧急流程): who is being paged now (`line[step]`, or the supervisors once the line is
 * used up), since when, and what each person did.
 */
export const oncallPages = pgTable(
  'oncall_pages',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    rotation: text('rotation'),
    line: jsonb('line').$type<string[]>().notNull(),
    step: integer('step').notNull().default(0),
    pagedAt: timestamp('paged_at', { withTimezone: true }).notNull(),
    status: text('status').$type<PageStatus>().notNull(),
    takenBy: text('taken_by'),
    trail: jsonb('trail').$type<PageTrailEntry[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('oncall_pages_ticket_uq').on(t.ticketId),
    index('oncall_pages_paging_idx').on(t.pagedAt).where(sql`status = 'paging'`),
  ],
);
