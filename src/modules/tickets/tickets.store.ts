import { and, asc, desc, eq, ne, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { prepared } from '../../platform/prepared.js';
import { customers } from '../customers/index.js';
import { STAGE_BIT } from '../sla/index.js';
import { remoteConsents, remoteSteps, ticketEvents, tickets } from './tickets.table.js';

export type Ticket = typeof tickets.$inferSelect;
export type NewTicketRow = typeof tickets.$inferInsert;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type RemoteConsent = typeof remoteConsents.$inferSelect;
export type RemoteStep = typeof remoteSteps.$inferSelect;
/** A ticket with its customer's name, as messages and lists show it. */
export type TicketWithCustomer = Ticket & { customerName: string };

const CLOSED = ['closed', 'cancelled'] as const;
/**
 * Open: not resolved, closed or cancelled (SPEC §3.9). Written as the partial indexes' predicate
 * (not closed or cancelled) and not resolved, so the planner still matches those indexes.
 */
const isOpenRow = () => and(notInArray(tickets.state, [...CLOSED]), ne(tickets.state, 'resolved'));

const withCustomer = (db: Db) =>
  db
    .select({ ticket: tickets, customerName: customers.name })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId));

const flatten = (r: { ticket: Ticket; customerName: string }): TicketWithCustomer => ({ ...r.ticket, customerName: r.customerName });

export async function getTicket(db: Db, id: number): Promise<TicketWithCustomer | undefined> {
  const query = prepared(db, 'ticket_by_id', (d) => withCustomer(d).where(eq(tickets.id, sql.placeholder('id'))).prepare('ticket_by_id'));
  const [row] = await query.execute({ id });
  return row && flatten(row);
}

export async function getTicketByKey(db: Db, key: string): Promise<TicketWithCustomer | undefined> {
  const query = prepared(db, 'ticket_by_key', (d) => withCustomer(d).where(eq(tickets.key, sql.placeholder('key'))).prepare('ticket_by_key'));
  const [row] = await query.execute({ key });
  return row && flatten(row);
}

export async function getTicketByRequestKey(db: Db, requestKey: string): Promise<TicketWithCustomer | undefined> {
  const [row] = await withCustomer(db).where(eq(tickets.requestKey, requestKey));
  return row && flatten(row);
}

/** Locks the ticket row for the rest of the transaction: concurrent clicks queue here. */
export async function lockTicket(tx: Db, id: number): Promise<Ticket | undefined> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, id)).for('update');
  return row;
}

/** Inserts a ticket; undefined when its request key was used already (a repeated submission). */
export async function insertTicket(tx: Db, values: NewTicketRow): Promise<Ticket | undefined> {
  const [row] = await tx.insert(tickets).values(values).onConflictDoNothing({ target: tickets.requestKey }).returning();
  return row;
}

/** Applies a change and bumps the version that stale buttons are checked against. */
export async function updateTicket(tx: Db, id: number, patch: Partial<NewTicketRow>): Promise<void> {
  await tx
    .update(tickets)
    .set({ ...patch, version: sql`${tickets.version} + 1` })
    .where(eq(tickets.id, id));
}

export async function insertEvent(tx: Db, event: typeof ticketEvents.$inferInsert): Promise<void> {
  await tx.insert(ticketEvents).values(event);
}

/** True when a change submitted under `requestKey` (a form's view id) was already recorded on the ticket. */
export async function hasEventWithRequestKey(db: Db, ticketId: number, requestKey: string): Promise<boolean> {
  const [row] = await db
    .select({ id: ticketEvents.id })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), sql`${ticketEvents.data} ->> 'requestKey' = ${requestKey}`))
    .limit(1);
  return row !== undefined;
}

export async function listTicketEvents(db: Db, ticketId: number): Promise<TicketEvent[]> {
  return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
}

/** Open tickets posted in a channel (the team's queue), most urgent first. */
export async function listOpenInChannel(db: Db, channel: string, limit: number): Promise<TicketWithCustomer[]> {
  const query = prepared(db, 'open_in_channel', (d) =>
    withCustomer(d)
      .where(and(eq(tickets.slackChannel, sql.placeholder('channel')), isOpenRow()))
      .orderBy(asc(tickets.priority), asc(tickets.resolutionDueAt))
      .limit(sql.placeholder('limit'))
      .prepare('open_in_channel'),
  );
  return (await query.execute({ channel, limit })).map(flatten);
}

/** Open tickets assigned to a user, most urgent first. */
export async function listOpenAssignedTo(db: Db, userId: string, limit: number): Promise<TicketWithCustomer[]> {
  const query = prepared(db, 'open_assigned_to', (d) =>
    withCustomer(d)
      .where(and(eq(tickets.assignee, sql.placeholder('userId')), isOpenRow()))
      .orderBy(asc(tickets.priority), asc(tickets.resolutionDueAt))
      .limit(sql.placeholder('limit'))
      .prepare('open_assigned_to'),
  );
  return (await query.execute({ userId, limit })).map(flatten);
}

export async function latestConsent(db: Db, ticketId: number): Promise<RemoteConsent | undefined> {
  const [row] = await db
    .select()
    .from(remoteConsents)
    .where(eq(remoteConsents.ticketId, ticketId))
    .orderBy(desc(remoteConsents.id))
    .limit(1);
  return row;
}

export async function insertConsent(tx: Db, values: typeof remoteConsents.$inferInsert): Promise<RemoteConsent> {
  const [row] = await tx.insert(remoteConsents).values(values).returning();
  return row!;
}

export async function insertRemoteStep(tx: Db, values: typeof remoteSteps.$inferInsert): Promise<void> {
  await tx.insert(remoteSteps).values(values);
}

export async function listRemoteSteps(db: Db, ticketId: number): Promise<RemoteStep[]> {
  return db.select().from(remoteSteps).where(eq(remoteSteps.ticketId, ticketId)).orderBy(asc(remoteSteps.at), asc(remoteSteps.id));
}

/** Resolved tickets whose quiet period is over, for the auto-close job. */
export async function listResolvedBefore(db: Db, before: Date, limit: number): Promise<Ticket[]> {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.state, 'resolved'), sql`${tickets.resolvedAt} <= ${before.toISOString()}::timestamptz`))
    .orderBy(asc(tickets.resolvedAt))
    .limit(limit);
}

/**
 * Open tickets (not yet resolved) by priority and SLA state: paused while waiting on the customer,
 * breached or warned from the stages posted (sla_posted bits), else ok. Reads the open-tickets index.
 */
export async function countOpenBySla(db: Db): Promise<{ priority: string; slaState: string; count: number }[]> {
  const slaState = sql<string>`case when ${tickets.pausedAt} is not null then 'paused'
    when (${tickets.slaPosted} & ${sql.raw(String(STAGE_BIT['response:breach'] | STAGE_BIT['resolution:breach']))}) <> 0 then 'breached'
    when (${tickets.slaPosted} & ${sql.raw(String(STAGE_BIT['response:warning'] | STAGE_BIT['resolution:warning']))}) <> 0 then 'warning'
    else 'ok' end`;
  return db
    .select({ priority: tickets.priority, slaState, count: sql<number>`count(*)::int` })
    .from(tickets)
    .where(sql`${tickets.state} not in ('resolved', 'closed', 'cancelled')`)
    .groupBy(tickets.priority, slaState);
}
