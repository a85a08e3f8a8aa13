import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { tickets } from './tickets.table.js';
import { customers } from '../customers/index.js';
import type { TicketWithCustomer } from './tickets.store.js';
import { slaAlerts, slaExtensions } from './tickets.sla.table.js';

export type SlaExtension = typeof slaExtensions.$inferSelect;

/**
 * Tickets whose next SLA stage has come, locked for this sweep (other replicas skip them). Reads the
 * partial index on next_check_at: the cost follows the tickets at risk, not the table. The lock is
 * NO KEY UPDATE, the weakest that guards the columns the sweep writes: a transaction that merely
 * inserts a row pointing at the ticket (an event, a page, a visit order: a foreign-key KEY SHARE
 * lock) does not make the sweep skip it.
 */
export async function lockTicketsDue(tx: Db, now: Date, limit: number): Promise<TicketWithCustomer[]> {
  const found = await tx
    .select({ ticket: tickets, customerName: customers.name })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(and(sql`${tickets.nextCheckAt} is not null`, lte(tickets.nextCheckAt, now)))
    .orderBy(asc(tickets.nextCheckAt))
    .limit(limit)
    .for('no key update', { of: tickets, skipLocked: true });
  return found.map((r) => ({ ...r.ticket, customerName: r.customerName }));
}

/** Records stages in one statement; returns those not recorded before (by any replica, at any time). */
export async function recordAlerts(tx: Db, alerts: (typeof slaAlerts.$inferInsert)[]) {
  if (alerts.length === 0) return [];
  return tx.insert(slaAlerts).values(alerts).onConflictDoNothing().returning({ ticketId: slaAlerts.ticketId, target: slaAlerts.target, stage: slaAlerts.stage, dueAt: slaAlerts.dueAt });
}

export async function insertExtension(tx: Db, values: typeof slaExtensions.$inferInsert): Promise<void> {
  await tx.insert(slaExtensions).values(values);
}

export async function listExtensions(db: Db, ticketId: number): Promise<SlaExtension[]> {
  return db.select().from(slaExtensions).where(eq(slaExtensions.ticketId, ticketId)).orderBy(asc(slaExtensions.recordedAt));
}

export async function listAlerts(db: Db, ticketId: number) {
  return db.select().from(slaAlerts).where(eq(slaAlerts.ticketId, ticketId)).orderBy(asc(slaAlerts.stageAt));
}
