// Row locks another module takes on a ticket to serialise its own writes about that ticket (e.g. the
// visits module: one visit order under way per ticket). The lock lasts until the caller's transaction ends.
import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { tickets } from './tickets.table.js';

/** Locks the ticket's row (FOR UPDATE) for the rest of `tx`: concurrent callers queue here. A missing ticket locks nothing. */
export async function lockTicketRow(tx: Db, ticketId: number): Promise<void> {
  await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId)).for('update');
}
