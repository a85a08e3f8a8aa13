// On-call queries; the first argument is the db or a transaction. Tickets, visit orders and patrol
// runs are only read here (the handover snapshot): their changes go through their own services.
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { customers } from '../customers/index.js';
import { onTime, patrolItems, patrolRuns } from '../patrols/index.js';
import { tickets } from '../tickets/index.js';
import { ACTIVE_STATES, visitOrders, type VisitState } from '../visits/index.js';
import type { Overrides } from './oncall.rules.js';
import { oncallHandovers, oncallNotes, oncallOverrides, oncallPages } from './oncall.table.js';

export type Override = typeof oncallOverrides.$inferSelect;
export type Handover = typeof oncallHandovers.$inferSelect;
export type HandoverNote = typeof oncallNotes.$inferSelect;
export type Page = typeof oncallPages.$inferSelect;

const OPEN_TICKET_STATES = ['new', 'acknowledged', 'in_progress', 'waiting_customer'] as const;

// ── overrides ────────────────────────────────────────────────────────────────────────────────

/** Active overrides of a rotation for shifts starting in [from, to), as the rules take them. */
export async function activeOverrides(db: Db, rotation: string, from: Date, to: Date): Promise<Overrides> {
  const found = await db
    .select({ id: oncallOverrides.id, start: oncallOverrides.shiftStart, user: oncallOverrides.coveringUser })
    .from(oncallOverrides)
    .where(and(eq(oncallOverrides.rotation, rotation), eq(oncallOverrides.status, 'active'), gte(oncallOverrides.shiftStart, from), lt(oncallOverrides.shiftStart, to)));
  return new Map(found.map((o) => [o.start.getTime(), { user: o.user, id: o.id }]));
}

export async function getOverride(db: Db, id: number): Promise<Override | undefined> {
  const [row] = await db.select().from(oncallOverrides).where(eq(oncallOverrides.id, id));
  return row;
}

export async function lockOverride(tx: Db, id: number): Promise<Override | undefined> {
  const [row] = await tx.select().from(oncallOverrides).where(eq(oncallOverrides.id, id)).for('update');
  return row;
}

export async function getOverrideByRequestKey(db: Db, requestKey: string): Promise<Override | undefined> {
  const [row] = await db.select().from(oncallOverrides).where(eq(oncallOverrides.requestKey, requestKey));
  return row;
}

/** Inserts a request; undefined when its request key was used already. */
export async function insertOverride(tx: Db, values: typeof oncallOverrides.$inferInsert): Promise<Override | undefined> {
  const [row] = await tx.insert(oncallOverrides).values(values).onConflictDoNothing({ target: oncallOverrides.requestKey }).returning();
  return row;
}

export async function updateOverride(tx: Db, id: number, patch: Partial<typeof oncallOverrides.$inferInsert>): Promise<void> {
  await tx.update(oncallOverrides).set(patch).where(eq(oncallOverrides.id, id));
}

/** Retires the other active or pending cover of a shift when a new one becomes active. */
export async function supersedeOverrides(tx: Db, rotation: string, shiftStart: Date, now: Date, keepId = -1): Promise<void> {
  await tx
    .update(oncallOverrides)
    .set({ status: 'superseded', decidedAt: now })
    .where(
      and(
        eq(oncallOverrides.rotation, rotation),
        eq(oncallOverrides.shiftStart, shiftStart),
        inArray(oncallOverrides.status, ['active', 'pending']),
        sql`${oncallOverrides.id} <> ${keepId}`,
      ),
    );
}

/** Active overrides of shifts not yet over, for `/oncall`. */
export async function upcomingOverrides(db: Db, rotation: string, now: Date, limit: number): Promise<Override[]> {
  return db
    .select()
    .from(oncallOverrides)
    .where(and(eq(oncallOverrides.rotation, rotation), eq(oncallOverrides.status, 'active'), gte(oncallOverrides.shiftEnd, now)))
    .orderBy(asc(oncallOverrides.shiftStart))
    .limit(limit);
}

// ── handovers and notes ──────────────────────────────────────────────────────────────────────

/** Inserts a handover; undefined when this slot's handover exists already (another run opened it). */
export async function insertHandover(tx: Db, values: typeof oncallHandovers.$inferInsert): Promise<Handover | undefined> {
  const [row] = await tx.insert(oncallHandovers).values(values).onConflictDoNothing({ target: [oncallHandovers.rotation, oncallHandovers.handoverAt] }).returning();
  return row;
}

export async function getHandover(db: Db, id: number): Promise<Handover | undefined> {
  const [row] = await db.select().from(oncallHandovers).where(eq(oncallHandovers.id, id));
  return row;
}

export async function getHandoverAt(db: Db, rotation: string, handoverAt: Date): Promise<Handover | undefined> {
  const [row] = await db.select().from(oncallHandovers).where(and(eq(oncallHandovers.rotation, rotation), eq(oncallHandovers.handoverAt, handoverAt)));
  return row;
}

export async function lockHandover(tx: Db, id: number): Promise<Handover | undefined> {
  const [row] = await tx.select().from(oncallHandovers).where(eq(oncallHandovers.id, id)).for('update');
  return row;
}

export async function updateHandover(tx: Db, id: number, patch: Partial<typeof oncallHandovers.$inferInsert>): Promise<void> {
  await tx.update(oncallHandovers).set(patch).where(eq(oncallHandovers.id, id));
}

/** Unacknowledged handovers opened since `since` (the watch job's reminders and escalations). */
export async function unacknowledgedHandovers(db: Db, since: Date): Promise<Handover[]> {
  return db
    .select()
    .from(oncallHandovers)
    .where(and(isNull(oncallHandovers.acknowledgedAt), gte(oncallHandovers.openedAt, since), or(isNull(oncallHandovers.remindedAt), isNull(oncallHandovers.escalatedAt))))
    .orderBy(asc(oncallHandovers.openedAt))
    .limit(200);
}

/** The latest handover in which `user` handed over, opened since `since`. */
export async function recentHandoverFrom(db: Db, user: string, since: Date): Promise<Handover | undefined> {
  const [row] = await db
    .select()
    .from(oncallHandovers)
    .where(and(eq(oncallHandovers.outgoing, user), gte(oncallHandovers.openedAt, since)))
    .orderBy(desc(oncallHandovers.handoverAt))
    .limit(1);
  return row;
}

export async function getNote(db: Db, rotation: string, handoverAt: Date): Promise<HandoverNote | undefined> {
  const [row] = await db.select().from(oncallNotes).where(and(eq(oncallNotes.rotation, rotation), eq(oncallNotes.handoverAt, handoverAt)));
  return row;
}

/** Writes the note of a handover (the latest edit wins). */
export async function upsertNote(tx: Db, values: { rotation: string; handoverAt: Date; author: string; text: string; now: Date }): Promise<void> {
  await tx
    .insert(oncallNotes)
    .values({ rotation: values.rotation, handoverAt: values.handoverAt, author: values.author, text: values.text, createdAt: values.now, updatedAt: values.now })
    .onConflictDoUpdate({ target: [oncallNotes.rotation, oncallNotes.handoverAt], set: { author: values.author, text: values.text, updatedAt: values.now } });
}

// ── the handover snapshot (read-only views of tickets and visit orders) ──────────────────────

export interface SnapshotTicket {
  id: number;
  key: string;
  title: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  state: string;
  assignee: string | null;
  customerName: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  responseDueAt: Date;
  resolutionDueAt: Date;
  /** The customer's expected resolution time (客户期望解决时间). */
  expectedAt: Date;
}

const snapshotColumns = {
  id: tickets.id,
  key: tickets.key,
  title: tickets.title,
  priority: tickets.priority,
  state: tickets.state,
  assignee: tickets.assignee,
  customerName: customers.name,
  createdAt: tickets.createdAt,
  acknowledgedAt: tickets.acknowledgedAt,
  resolvedAt: tickets.resolvedAt,
  responseDueAt: tickets.responseDueAt,
  resolutionDueAt: tickets.resolutionDueAt,
  expectedAt: tickets.expectedAt,
};

/** Open tickets, most urgent first, and how many there are in all; `unassignedOnly`: those nobody holds. */
export async function openTickets(db: Db, limit: number, unassignedOnly = false): Promise<{ list: SnapshotTicket[]; total: number }> {
  const open = inArray(tickets.state, [...OPEN_TICKET_STATES]);
  const where = unassignedOnly ? and(open, isNull(tickets.assignee)) : open;
  const list = await db
    .select(snapshotColumns)
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(where)
    .orderBy(asc(tickets.priority), asc(tickets.resolutionDueAt))
    .limit(limit);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where);
  return { list, total: count?.n ?? list.length };
}

/**
 * Tickets whose response or resolution target fell due in [from, to) and was not met by then:
 * not acknowledged (response) or not resolved (resolution) before the due time.
 */
export async function breachesBetween(db: Db, from: Date, to: Date, limit: number): Promise<SnapshotTicket[]> {
  const responseMissed = and(
    gte(tickets.responseDueAt, from),
    lt(tickets.responseDueAt, to),
    or(isNull(tickets.acknowledgedAt), sql`${tickets.acknowledgedAt} > ${tickets.responseDueAt}`),
  );
  const resolutionMissed = and(
    gte(tickets.resolutionDueAt, from),
    lt(tickets.resolutionDueAt, to),
    or(isNull(tickets.resolvedAt), sql`${tickets.resolvedAt} > ${tickets.resolutionDueAt}`),
  );
  return db
    .select(snapshotColumns)
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(and(notInArray(tickets.state, ['cancelled']), or(responseMissed, resolutionMissed)))
    .orderBy(asc(tickets.priority), asc(tickets.id))
    .limit(limit);
}

/** Open tickets assigned to `user` (moved to the incoming engineer on request). */
export async function openTicketIdsOf(db: Db, user: string): Promise<{ id: number; key: string }[]> {
  return db
    .select({ id: tickets.id, key: tickets.key })
    .from(tickets)
    .where(and(eq(tickets.assignee, user), inArray(tickets.state, [...OPEN_TICKET_STATES])))
    .orderBy(asc(tickets.priority), asc(tickets.id));
}

export interface SnapshotVisit {
  key: string;
  state: VisitState;
  engineer: string | null;
  customerName: string;
  windowStart: Date | null;
  eta: Date | null;
}

/**
 * Visit orders under way, soonest window first: the visits module's own active states, so orders
 * completed and waiting for the customer's sign-off, or confirmed and waiting to be archived, count.
 */
export async function visitsUnderWay(db: Db, limit: number): Promise<{ list: SnapshotVisit[]; total: number }> {
  const where = inArray(visitOrders.state, [...ACTIVE_STATES]);
  const list = await db
    .select({ key: visitOrders.key, state: visitOrders.state, engineer: visitOrders.engineer, customerName: customers.name, windowStart: visitOrders.windowStart, eta: visitOrders.eta })
    .from(visitOrders)
    .innerJoin(customers, eq(customers.id, visitOrders.customerId))
    .where(where)
    .orderBy(sql`${visitOrders.windowStart} asc nulls last`, asc(visitOrders.id))
    .limit(limit);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(visitOrders).where(where);
  return { list, total: count?.n ?? list.length };
}

export type PatrolOutcome = 'on_time' | 'late' | 'not_submitted';

export interface SnapshotPatrolRun {
  checklist: string;
  slotAt: Date;
  deadlineAt: Date;
  submittedAt: Date | null;
  outcome: PatrolOutcome;
  abnormal: number;
  /** Keys of the tickets its abnormal items opened. */
  ticketKeys: string[];
}

/**
 * Patrol runs whose slot fell in [from, to), oldest first, with how they ended (as of now: submitted
 * on time or late by the patrols module's own rule, or not submitted) and their abnormal items.
 */
export async function patrolRunsBetween(db: Db, from: Date, to: Date, limit: number): Promise<{ list: SnapshotPatrolRun[]; total: number }> {
  const where = and(gte(patrolRuns.slotAt, from), lt(patrolRuns.slotAt, to));
  const runs = await db
    .select({ id: patrolRuns.id, checklist: patrolRuns.checklist, slotAt: patrolRuns.slotAt, deadlineAt: patrolRuns.deadlineAt, state: patrolRuns.state, submittedAt: patrolRuns.submittedAt })
    .from(patrolRuns)
    .where(where)
    .orderBy(asc(patrolRuns.slotAt), asc(patrolRuns.checklist))
    .limit(limit);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(patrolRuns).where(where);
  const abnormal = runs.length
    ? await db
        .select({ runId: patrolItems.runId, ticketKey: tickets.key })
        .from(patrolItems)
        .leftJoin(tickets, eq(tickets.id, patrolItems.ticketId))
        .where(and(inArray(patrolItems.runId, runs.map((r) => r.id)), eq(patrolItems.status, 'abnormal')))
        .orderBy(asc(patrolItems.runId), asc(patrolItems.position))
    : [];
  const list = runs.map((r) => {
    const items = abnormal.filter((i) => i.runId === r.id);
    const outcome: PatrolOutcome = r.state !== 'submitted' ? 'not_submitted' : onTime(r) ? 'on_time' : 'late';
    return { checklist: r.checklist, slotAt: r.slotAt, deadlineAt: r.deadlineAt, submittedAt: r.submittedAt, outcome, abnormal: items.length, ticketKeys: items.flatMap((i) => (i.ticketKey ? [i.ticketKey] : [])) };
  });
  return { list, total: count?.n ?? list.length };
}

/** A ticket's state and assignee (the page stops once someone has it). */
export async function ticketStatus(db: Db, id: number) {
  const [row] = await db
    .select({ id: tickets.id, key: tickets.key, title: tickets.title, priority: tickets.priority, state: tickets.state, assignee: tickets.assignee, customerName: customers.name })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(tickets.id, id));
  return row;
}

// ── pages ────────────────────────────────────────────────────────────────────────────────────

export async function insertPage(tx: Db, values: typeof oncallPages.$inferInsert): Promise<Page | undefined> {
  const [row] = await tx.insert(oncallPages).values(values).onConflictDoNothing({ target: oncallPages.ticketId }).returning();
  return row;
}

export async function getPage(db: Db, id: number): Promise<Page | undefined> {
  const [row] = await db.select().from(oncallPages).where(eq(oncallPages.id, id));
  return row;
}

export async function lockPage(tx: Db, id: number): Promise<Page | undefined> {
  const [row] = await tx.select().from(oncallPages).where(eq(oncallPages.id, id)).for('update');
  return row;
}

export async function updatePage(tx: Db, id: number, patch: Partial<typeof oncallPages.$inferInsert>): Promise<void> {
  await tx.update(oncallPages).set(patch).where(eq(oncallPages.id, id));
}

/** Pages still ringing whose current step began at or before `before`. */
export async function pagesDue(db: Db, before: Date): Promise<Page[]> {
  return db
    .select()
    .from(oncallPages)
    .where(and(eq(oncallPages.status, 'paging'), lte(oncallPages.pagedAt, before)))
    .orderBy(asc(oncallPages.pagedAt))
    .limit(200);
}
