import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** Per-year sequences behind human ids such as OPS-2026-12 and VO-2026-3. */
export const idCounters = pgTable(
  'id_counters',
  {
    scope: text('scope').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.year] })],
);
