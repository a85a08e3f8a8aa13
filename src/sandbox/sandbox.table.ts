import { index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

// The sandbox's local Slack, kept in the embedded store so a restart finds the same channels,
// threads, ephemerals and views as the tickets they talk about. Only the sandbox writes here;
// the tests' emulator keeps its state in memory.

/** Messages of channels, DMs and threads, as the emulator stores them (StoredMessage). */
export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    channel: text('channel').notNull(),
    ts: text('ts').notNull(),
    body: jsonb('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.ts] })],
);

/** Ephemeral messages: only `user` sees them. */
export const sandboxEphemerals = pgTable(
  'sandbox_ephemerals',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    userId: text('user_id').notNull(),
    ts: text('ts').notNull(),
    body: jsonb('body').notNull(),
  },
  (t) => [index('sandbox_ephemerals_user_idx').on(t.userId)],
);

/** Modal views by view id and each user's Home tab (kind 'home', one per user). */
export const sandboxViews = pgTable('sandbox_views', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<'modal' | 'home'>().notNull(),
  userId: text('user_id'),
  body: jsonb('body').notNull(),
  /** Position in the user's modal stack (0 = root); null when the modal is closed. */
  stackPos: integer('stack_pos'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Small sandbox settings: the clock's offset, the last scheduler minute run, the next id. */
export const sandboxState = pgTable('sandbox_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});
