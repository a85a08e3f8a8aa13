import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The monthly review posted to the review channel: one row per month, ever. Claiming the row is
 * what makes the post (and its chart upload) happen once, whoever asks — the job, a re-run, the
 * Post button. `figures` keeps what was posted, so a late chart shows the same numbers.
 */
export const reviewPosts = pgTable(
  'review_posts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    month: text('month').notNull(),
    channel: text('channel').notNull(),
    requestedBy: text('requested_by').notNull(),
    figures: jsonb('figures').$type<Record<string, unknown>>(),
    /** A worker holding the row until then is preparing the post (chart upload included). */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    chartFileId: text('chart_file_id'),
    chartUploadedAt: timestamp('chart_uploaded_at', { withTimezone: true }),
    chartAttempts: integer('chart_attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('review_posts_month_uq').on(t.month),
    index('review_posts_chart_pending_idx').on(t.id).where(sql`chart_file_id is null`),
  ],
);

/** A line of problems an engineer added to their daily work report (工作报告：存在问题). */
export const dailyReportNotes = pgTable(
  'daily_report_notes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** The report's local date, YYYY-MM-DD. */
    reportDate: text('report_date').notNull(),
    userId: text('user_id').notNull(),
    text: text('text').notNull(),
    /** The modal's view id: a repeated submission stores one line. */
    requestKey: text('request_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('daily_report_notes_request_uq').on(t.requestKey), index('daily_report_notes_date_idx').on(t.reportDate, t.userId)],
);
