import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { customers } from '../customers/index.js';
import { tickets } from '../tickets/index.js';
import type { ArrivalPunctuality, VisitResult, VisitState } from './visits.rules.js';

/**
 * A visit order (上门服务单), SPEC §3.2. `windowStart`/`windowEnd` are the window agreed with the
 * customer (null until confirmed); `requestedStart`/`requestedEnd` what the customer asked for.
 */
export const visitOrders = pgTable(
  'visit_orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    customerId: integer('customer_id').notNull().references(() => customers.id),
    address: text('address').notNull(),
    contactName: text('contact_name').notNull(),
    contactPhone: text('contact_phone').notNull(),
    need: text('need').notNull(),
    requestedStart: timestamp('requested_start', { withTimezone: true }).notNull(),
    requestedEnd: timestamp('requested_end', { withTimezone: true }).notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }),
    windowEnd: timestamp('window_end', { withTimezone: true }),
    state: text('state').$type<VisitState>().notNull(),
    engineer: text('engineer'),
    createdBy: text('created_by').notNull(),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    windowAgreedAt: timestamp('window_agreed_at', { withTimezone: true }),
    /** The latest ETA a Running-late notice gave. */
    eta: timestamp('eta', { withTimezone: true }),
    lateNotices: integer('late_notices').notNull().default(0),
    /** Late notices given with less notice than the rules ask for (flagged to the dispatcher). */
    lateNoticesFlagged: integer('late_notices_flagged').notNull().default(0),
    /** Agreed starts that passed with no arrival and no notice (flagged by visit-watch). */
    missedNotices: integer('missed_notices').notNull().default(0),
    callAttempts: integer('call_attempts').notNull().default(0),
    leftNoteAt: timestamp('left_note_at', { withTimezone: true }),
    leftNoteWhere: text('left_note_where'),
    leftNotePhone: text('left_note_phone'),
    arrivedAt: timestamp('arrived_at', { withTimezone: true }),
    /** Minutes between arrival and the agreed start: negative is early. */
    arrivalOffsetMinutes: integer('arrival_offset_minutes'),
    punctuality: text('punctuality').$type<ArrivalPunctuality>(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: text('completed_by'),
    workDone: text('work_done'),
    partsUsed: text('parts_used'),
    result: text('result').$type<VisitResult>(),
    followUp: boolean('follow_up'),
    followUpNote: text('follow_up_note'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    confirmedVia: text('confirmed_via').$type<'link' | 'code' | 'callback'>(),
    /** The customer's name as they signed, or the person the callback spoke to. */
    confirmedName: text('confirmed_name'),
    /** The Slack user who recorded a phone-callback confirmation. */
    confirmedBy: text('confirmed_by'),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    archivedBy: text('archived_by'),
    closeReason: text('close_reason'),
    requestKey: text('request_key'),
    /** Bits of the SLA stages posted (visits.sla.rules STAGE_BIT); visit_sla_alerts is the real guard. */
    slaPosted: integer('sla_posted').notNull().default(0),
    /** When the SLA sweep should next look at the order (null: no clock running or nothing left to post). */
    nextCheckAt: timestamp('next_check_at', { withTimezone: true }),
    /** Bumped by every change; buttons carry it so a stale or double click changes nothing. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('visit_orders_key_uq').on(t.key),
    uniqueIndex('visit_orders_request_key_uq').on(t.requestKey),
    index('visit_orders_ticket_idx').on(t.ticketId),
    // visit-watch: orders in a state whose agreed window start has come.
    index('visit_orders_state_window_idx').on(t.state, t.windowStart),
    index('visit_orders_open_created_idx').on(t.createdAt).where(sql`state = 'open'`),
    // The SLA sweep reads only orders whose next stage has come: its cost follows the orders at risk.
    index('visit_orders_next_check_idx').on(t.nextCheckAt).where(sql`next_check_at is not null`),
    index('visit_orders_engineer_active_idx').on(t.engineer).where(sql`state not in ('archived', 'cancelled', 'declined')`),
  ],
);

/** The timeline of a visit order: every step, call attempt and flag. */
export const visitEvents = pgTable(
  'visit_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id').notNull().references(() => visitOrders.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('visit_events_order_idx').on(t.orderId, t.at), index('visit_events_kind_idx').on(t.kind, t.at)],
);

/**
 * A customer sign-off link. The token is HMAC-SHA256 over "<id>.<expires>" with `secret`, a random
 * key kept only here (one per link), so a link cannot be forged or altered without this row. The
 * 6-digit phone code is stored as an HMAC with the same secret, never in clear.
 */
export const visitSignoffs = pgTable(
  'visit_signoffs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id').notNull().references(() => visitOrders.id),
    secret: text('secret').notNull(),
    codeHash: text('code_hash').notNull(),
    codeFailures: integer('code_failures').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('visit_signoffs_order_idx').on(t.orderId)],
);

/**
 * Each SLA warning and breach of a visit order, once ever: the unique (order, target, stage) key is
 * what makes a stage post once across replicas, restarts and re-runs (like sla_alerts for tickets).
 * `dueAt` is the target it was measured against (for `arrival`, the agreed start at the time).
 */
export const visitSlaAlerts = pgTable(
  'visit_sla_alerts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id').notNull().references(() => visitOrders.id),
    target: text('target').$type<'accept' | 'arrival'>().notNull(),
    stage: text('stage').$type<'warning' | 'breach'>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    stageAt: timestamp('stage_at', { withTimezone: true }).notNull(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('visit_sla_alerts_stage_uq').on(t.orderId, t.target, t.stage), index('visit_sla_alerts_posted_idx').on(t.postedAt)],
);
