import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/index.js';
import type { ChangeState, Risk, WatchStage } from './changes.rules.js';

/** A change request (变更申请), SPEC §3.6. */
export const changes = pgTable(
  'changes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    title: text('title').notNull(),
    /** The systems as typed (for display and suggestions) and their keys (for conflicts). */
    systems: text('systems').array().notNull(),
    systemKeys: text('system_keys').array().notNull(),
    description: text('description').notNull(),
    reason: text('reason').notNull(),
    risk: text('risk').$type<Risk>().notNull(),
    impact: text('impact').notNull(),
    testEvidence: text('test_evidence'),
    plan: text('plan').notNull(),
    rollbackPlan: text('rollback_plan').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    requester: text('requester').notNull(),
    implementer: text('implementer').notNull(),
    ticketId: integer('ticket_id').references(() => tickets.id),
    emergency: boolean('emergency').notNull().default(false),
    emergencyReason: text('emergency_reason'),
    /** The freeze an emergency change was allowed into, marked on its message and in reports. */
    freezeReason: text('freeze_reason'),
    state: text('state').$type<ChangeState>().notNull(),
    /** When the change had all the approvals its risk needs (afterwards, for an emergency change). */
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    rejectReason: text('reject_reason'),
    cancelReason: text('cancel_reason'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    verificationChecked: text('verification_checked'),
    verificationOutcome: text('verification_outcome'),
    rollbackHappened: text('rollback_happened'),
    rollbackWhy: text('rollback_why'),
    /** The ticket opened after a rollback, linked to the change. */
    followUpTicketId: integer('follow_up_ticket_id').references(() => tickets.id),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    /** Makes submission idempotent: the modal's view id. */
    requestKey: text('request_key'),
    /** Bumped by every change; buttons carry it so a stale or double click changes nothing. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('changes_key_uq').on(t.key),
    uniqueIndex('changes_request_key_uq').on(t.requestKey),
    index('changes_window_idx').on(t.windowStart, t.windowEnd),
    index('changes_open_idx').on(t.windowStart).where(sql`state in ('submitted', 'approved', 'scheduled', 'implementing', 'verifying')`),
    index('changes_requester_idx').on(t.requester),
    index('changes_implementer_idx').on(t.implementer),
  ],
);

/** One supervisor's approval; the unique key makes the same approver count once. */
export const changeApprovals = pgTable(
  'change_approvals',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    changeId: integer('change_id').notNull().references(() => changes.id),
    approver: text('approver').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('change_approvals_uq').on(t.changeId, t.approver)],
);

/** The record of a change: every step, who and when (handbook: 记录变更内容和结果). */
export const changeEvents = pgTable(
  'change_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    changeId: integer('change_id').notNull().references(() => changes.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('change_events_change_idx').on(t.changeId, t.at), index('change_events_at_idx').on(t.at)],
);

/** change-watch notices, once per (change, stage) across replicas and re-runs. */
export const changeNotices = pgTable(
  'change_notices',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    changeId: integer('change_id').notNull().references(() => changes.id),
    stage: text('stage').$type<WatchStage>().notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('change_notices_stage_uq').on(t.changeId, t.stage)],
);
