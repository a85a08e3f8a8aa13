import { asc, eq, ilike, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { customers } from './customers.table.js';

export type Customer = typeof customers.$inferSelect;

export async function getCustomer(db: Db, id: number): Promise<Customer | undefined> {
  const [row] = await db.select().from(customers).where(eq(customers.id, id));
  return row;
}

/** The customer with this name (case-insensitive), created when new. */
export async function findOrCreateCustomer(db: Db, name: string, now: Date): Promise<Customer> {
  await db
    .insert(customers)
    .values({ name, createdAt: now })
    .onConflictDoNothing();
  const [row] = await db.select().from(customers).where(sql`lower(${customers.name}) = lower(${name})`);
  return row!;
}

/** Customers whose name contains `query`, for the picker (at most `limit`). */
export async function searchCustomers(db: Db, query: string, limit = 50): Promise<Customer[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(customers)
    .where(query ? ilike(customers.name, pattern) : undefined)
    .orderBy(asc(customers.name))
    .limit(limit);
}
