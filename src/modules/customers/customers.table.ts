import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** A customer (客户): a company or chain, with its main site and contact. */
export const customers = pgTable(
  'customers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    site: text('site'),
    address: text('address'),
    contactName: text('contact_name'),
    phone: text('phone'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('customers_name_uq').on(sql`lower(${t.name})`),
    index('customers_name_idx').on(t.name),
  ],
);
