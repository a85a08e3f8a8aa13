import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A user's own choices (SPEC §5: a user's language overrides the workspace default). */
export const userPrefs = pgTable('user_prefs', {
  userId: text('user_id').primaryKey(),
  locale: text('locale').$type<'en' | 'zh-CN'>(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
