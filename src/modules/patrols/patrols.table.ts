import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/index.js';
import type { PatrolItemStatus, PatrolRunState } from './patrols.rules.js';

/**
 * One run of a patrol checklist (巡检), SPEC §3.4: posted at its slot, claimed by one engineer,
 * submitted with a result per item. The unique (checklist, slot) key makes a slot post once.
 */
export const patrolRuns = pgTable(
  'patrol_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    checklist: text('checklist').notNull(),
    /** The scheduled minute the run is for. */
    slotAt: timestamp('slot_at', { withTimezone: true }).notNull(),
    /** The local date of the slot (YYYY-MM-DD in the team's zone), for "today" and history. */
    runDate: text('run_date').notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
    escalateAt: timestamp('escalate_at', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    state: text('state').$type<PatrolRunState>().notNull(),
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    submittedBy: text('submitted_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    note: text('note'),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    /** Bumped by every change; buttons carry it so a stale or double click changes nothing. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('patrol_runs_slot_uq').on(t.checklist, t.slotAt),
    index('patrol_runs_date_idx').on(t.runDate),
    index('patrol_runs_slot_idx').on(t.slotAt),
    // The watch job: unsubmitted runs whose deadline has come, cheap however long the history.
    index('patrol_runs_watch_idx').on(t.deadlineAt).where(sql`state <> 'submitted' and escalated_at is null`),
  ],
);

/** One checklist item of a run and what the claimer found; an abnormal item links its ticket. */
export const patrolItems = pgTable(
  'patrol_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id').notNull().references(() => patrolRuns.id),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    status: text('status').$type<PatrolItemStatus>().notNull().default('pending'),
    note: text('note'),
    ticketId: integer('ticket_id').references(() => tickets.id),
    recordedBy: text('recorded_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('patrol_items_position_uq').on(t.runId, t.position),
    index('patrol_items_ticket_idx').on(t.ticketId).where(sql`ticket_id is not null`),
    // Abnormal items still waiting for their ticket (the watch job finishes an interrupted submit).
    index('patrol_items_unlinked_idx').on(t.runId).where(sql`status = 'abnormal' and ticket_id is null`),
  ],
);
