import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from './tickets.table.js';

/**
 * Each warning and breach, once ever: the unique (ticket, target, stage) key is what makes a stage
 * post once across replicas, restarts and re-runs. Breaches stay here for reports after extensions.
 */
export const slaAlerts = pgTable(
  'sla_alerts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    target: text('target').$type<'response' | 'resolution'>().notNull(),
    stage: text('stage').$type<'warning' | 'breach'>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    stageAt: timestamp('stage_at', { withTimezone: true }).notNull(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('sla_alerts_stage_uq').on(t.ticketId, t.target, t.stage), index('sla_alerts_posted_idx').on(t.postedAt)],
);

/** A consented extension (技术方案 + 新承诺时间 + 客户同意): the resolution target moved to `committedAt`. */
export const slaExtensions = pgTable(
  'sla_extensions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    plan: text('plan').notNull(),
    previousDueAt: timestamp('previous_due_at', { withTimezone: true }).notNull(),
    committedAt: timestamp('committed_at', { withTimezone: true }).notNull(),
    consentedBy: text('consented_by').notNull(),
    consentMethod: text('consent_method').notNull(),
    consentedAt: timestamp('consented_at', { withTimezone: true }).notNull(),
    /** Whether the resolution target had already been breached when it was extended. */
    breachedBefore: boolean('breached_before').notNull().default(false),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sla_extensions_ticket_idx').on(t.ticketId), index('sla_extensions_recorded_idx').on(t.recordedAt)],
);
