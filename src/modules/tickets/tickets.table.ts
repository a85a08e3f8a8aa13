import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { customers } from '../customers/index.js';
import type { Priority } from '../../config/config.js';
import type { TicketOriginKind, TicketState } from './tickets.rules.js';

/** A ticket (问题/故障单), SPEC §3.1. */
export const tickets = pgTable(
  'tickets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    customerId: integer('customer_id').notNull().references(() => customers.id),
    site: text('site'),
    callerName: text('caller_name'),
    callerPhone: text('caller_phone'),
    product: text('product'),
    category: text('category').notNull(),
    priority: text('priority').$type<Priority>().notNull(),
    title: text('title').notNull(),
    description: text('description'),
    /** The customer's expected resolution time (客户期望解决时间): on every ticket; automatic origins take the SLA's. */
    expectedAt: timestamp('expected_at', { withTimezone: true }).notNull(),
    state: text('state').$type<TicketState>().notNull(),
    assignee: text('assignee'),
    createdBy: text('created_by').notNull(),
    /** Where the ticket came from: a person in Slack, or a monitoring alert (SPEC §3.10). */
    origin: text('origin').$type<TicketOriginKind>().notNull().default('slack'),
    originChannel: text('origin_channel'),
    originMessageTs: text('origin_message_ts'),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    responseDueAt: timestamp('response_due_at', { withTimezone: true }).notNull(),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }).notNull(),
    // SLA clocks (modules/sla/sla.rules.ts): the calendar and targets the due times came from,
    // warning times, pauses, and which stages were posted; the sweep reads next_check_at only.
    slaCalendar: text('sla_calendar').notNull().default('24x7'),
    responseTargetMinutes: integer('response_target_minutes').notNull().default(0),
    resolutionTargetMinutes: integer('resolution_target_minutes').notNull().default(0),
    responseWarnAt: timestamp('response_warn_at', { withTimezone: true }),
    resolutionWarnAt: timestamp('resolution_warn_at', { withTimezone: true }),
    resolutionStartedAt: timestamp('resolution_started_at', { withTimezone: true }),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    pausedMinutes: integer('paused_minutes').notNull().default(0),
    slaPosted: integer('sla_posted').notNull().default(0),
    nextCheckAt: timestamp('next_check_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cause: text('cause'),
    fix: text('fix'),
    faultCategory: text('fault_category'),
    cancelReason: text('cancel_reason'),
    /** Makes creation idempotent: the modal's view id, so a repeated submission opens one ticket. */
    requestKey: text('request_key'),
    /** Bumped by every change; buttons carry it so a stale or double click changes nothing. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('tickets_key_uq').on(t.key),
    uniqueIndex('tickets_request_key_uq').on(t.requestKey),
    index('tickets_open_assignee_idx').on(t.assignee).where(sql`state not in ('closed', 'cancelled')`),
    index('tickets_open_channel_idx').on(t.slackChannel).where(sql`state not in ('closed', 'cancelled')`),
    index('tickets_customer_idx').on(t.customerId),
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_next_check_idx').on(t.nextCheckAt).where(sql`next_check_at is not null`),
  ],
);

/** The audit trail of a ticket: every change and every refused attempt. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.at), index('ticket_events_at_idx').on(t.at)],
);

/** The customer's consent to a remote session (远程排障): who agreed, how and when. */
export const remoteConsents = pgTable(
  'remote_consents',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    consentedBy: text('consented_by').notNull(),
    method: text('method').notNull(),
    consentedAt: timestamp('consented_at', { withTimezone: true }).notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('remote_consents_ticket_idx').on(t.ticketId)],
);

/** One remote-troubleshooting step and its result; cannot exist without a consent. */
export const remoteSteps = pgTable(
  'remote_steps',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    consentId: integer('consent_id').notNull().references(() => remoteConsents.id),
    step: text('step').notNull(),
    result: text('result').notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('remote_steps_ticket_idx').on(t.ticketId)],
);
