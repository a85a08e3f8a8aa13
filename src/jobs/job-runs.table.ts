import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One row per run of a scheduled job. A scheduled slot is claimed by inserting its row: the unique
 * (job, slot) index lets exactly one replica run it. Manual runs (`job --at`) are recorded too.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    job: text('job').notNull(),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    trigger: text('trigger').$type<'schedule' | 'manual'>().notNull(),
    args: jsonb('args').$type<Record<string, string>>(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    outcome: text('outcome').$type<'running' | 'ok' | 'failed'>().notNull(),
    counts: jsonb('counts').$type<Record<string, number>>(),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('job_runs_slot_uq').on(t.job, t.slot).where(sql`trigger = 'schedule'`),
    index('job_runs_job_idx').on(t.job, t.slot),
  ],
);
