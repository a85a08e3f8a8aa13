// Drizzle queries of the visits module; the first argument is the db or an open transaction.
import { and, asc, desc, eq, inArray, isNull, lte, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { customers } from '../customers/index.js';
import { tickets } from '../tickets/index.js';
import { ACTIVE_STATES, FINAL_STATES } from './visits.rules.js';
import { visitEvents, visitOrders, visitSignoffs, visitSlaAlerts } from './visits.table.js';

export type VisitOrder = typeof visitOrders.$inferSelect;
export type NewVisitOrderRow = typeof visitOrders.$inferInsert;
export type VisitEvent = typeof visitEvents.$inferSelect;
export type VisitSignoff = typeof visitSignoffs.$inferSelect;
export type VisitSlaAlertRow = typeof visitSlaAlerts.$inferSelect;
/** An order with its customer's name and its ticket's key, as messages and lists show it. */
export type VisitOrderView = VisitOrder & { customerName: string; ticketKey: string };

const withNames = (db: Db) =>
  db
    .select({ order: visitOrders, customerName: customers.name, ticketKey: tickets.key })
    .from(visitOrders)
    .innerJoin(customers, eq(customers.id, visitOrders.customerId))
    .innerJoin(tickets, eq(tickets.id, visitOrders.ticketId));

const flatten = (r: { order: VisitOrder; customerName: string; ticketKey: string }): VisitOrderView => ({ ...r.order, customerName: r.customerName, ticketKey: r.ticketKey });

export async function getVisitOrder(db: Db, id: number): Promise<VisitOrderView | undefined> {
  const [row] = await withNames(db).where(eq(visitOrders.id, id));
  return row && flatten(row);
}

export async function getVisitOrderByKey(db: Db, key: string): Promise<VisitOrderView | undefined> {
  const [row] = await withNames(db).where(eq(visitOrders.key, key));
  return row && flatten(row);
}

export async function getVisitOrderByRequestKey(db: Db, requestKey: string): Promise<VisitOrderView | undefined> {
  const [row] = await withNames(db).where(eq(visitOrders.requestKey, requestKey));
  return row && flatten(row);
}

/** Locks the order row for the rest of the transaction: concurrent clicks queue here. */
export async function lockVisitOrder(tx: Db, id: number): Promise<VisitOrder | undefined> {
  const [row] = await tx.select().from(visitOrders).where(eq(visitOrders.id, id)).for('update');
  return row;
}

/** Inserts an order; undefined when its request key was used already (a repeated submission). */
export async function insertVisitOrder(tx: Db, values: NewVisitOrderRow): Promise<VisitOrder | undefined> {
  const [row] = await tx.insert(visitOrders).values(values).onConflictDoNothing({ target: visitOrders.requestKey }).returning();
  return row;
}

/** Applies a change; `bump` moves the version that stale buttons are checked against. */
export async function updateVisitOrder(tx: Db, id: number, patch: Partial<NewVisitOrderRow>, bump = true): Promise<void> {
  await tx
    .update(visitOrders)
    .set(bump ? { ...patch, version: sql`${visitOrders.version} + 1` } : patch)
    .where(eq(visitOrders.id, id));
}

export async function insertVisitEvent(tx: Db, event: typeof visitEvents.$inferInsert): Promise<void> {
  await tx.insert(visitEvents).values(event);
}

export async function listVisitEvents(db: Db, orderId: number): Promise<VisitEvent[]> {
  return db.select().from(visitEvents).where(eq(visitEvents.orderId, orderId)).orderBy(asc(visitEvents.at), asc(visitEvents.id));
}

/** Who declined an open order and why (shown on its dispatch message). */
export async function listDeclines(db: Db, orderId: number): Promise<{ actor: string; note: string | null }[]> {
  return db
    .select({ actor: visitEvents.actor, note: visitEvents.note })
    .from(visitEvents)
    .where(and(eq(visitEvents.orderId, orderId), eq(visitEvents.kind, 'decline')))
    .orderBy(asc(visitEvents.id));
}

/** The order of a ticket that is neither finished nor replaced, if any (one at a time per ticket). */
export async function activeOrderOfTicket(db: Db, ticketId: number): Promise<VisitOrder | undefined> {
  const [row] = await db
    .select()
    .from(visitOrders)
    .where(and(eq(visitOrders.ticketId, ticketId), notInArray(visitOrders.state, [...FINAL_STATES])))
    .orderBy(desc(visitOrders.id))
    .limit(1);
  return row;
}

/** Orders under way that a user is the engineer of, soonest window first. */
export async function listActiveForEngineer(db: Db, userId: string, limit: number): Promise<VisitOrderView[]> {
  const found = await withNames(db)
    .where(and(eq(visitOrders.engineer, userId), inArray(visitOrders.state, [...ACTIVE_STATES])))
    .orderBy(sql`coalesce(${visitOrders.windowStart}, ${visitOrders.requestedStart}) asc`, asc(visitOrders.id))
    .limit(limit);
  return found.map(flatten);
}

/**
 * Open orders visit-watch still has something to do for, oldest first: not yet re-announced and
 * posted at least `timeoutMinutes` before `at`, or not yet escalated and posted at least twice that
 * before (re-announced first, unless there is no dispatch message to re-announce). Orders already
 * handled are left out here, in SQL, so a backlog of them never starves newer orders out of the batch.
 */
export async function listUnacceptedSince(db: Db, at: Date, timeoutMinutes: number, limit: number): Promise<VisitOrder[]> {
  const escalateBefore = new Date(at.getTime() - 2 * timeoutMinutes * 60_000).toISOString();
  const recorded = (kind: string) => sql`exists (select 1 from ${visitEvents} e where e.order_id = ${visitOrders.id} and e.kind = ${kind})`;
  return db
    .select()
    .from(visitOrders)
    .where(
      and(
        eq(visitOrders.state, 'open'),
        lte(visitOrders.createdAt, new Date(at.getTime() - timeoutMinutes * 60_000)),
        sql`((${visitOrders.slackChannel} is not null and not ${recorded('reannounced')})
          or (${visitOrders.createdAt} <= ${escalateBefore}::timestamptz and not ${recorded('escalated')}
              and (${recorded('reannounced')} or ${visitOrders.slackChannel} is null)))`,
      ),
    )
    .orderBy(asc(visitOrders.createdAt))
    .limit(limit);
}

/**
 * Scheduled orders whose agreed start is before `at` and whose current window was not flagged yet
 * (visit-watch: no arrival and no notice). A window already flagged is left out in SQL, so flagged
 * orders never fill the batch.
 */
export async function listScheduledStartedBefore(db: Db, at: Date, limit: number): Promise<VisitOrder[]> {
  return db
    .select()
    .from(visitOrders)
    .where(
      and(
        eq(visitOrders.state, 'scheduled'),
        sql`${visitOrders.windowStart} < ${at.toISOString()}::timestamptz`,
        sql`not exists (select 1 from ${visitEvents} e where e.order_id = ${visitOrders.id} and e.kind = 'missed_notice' and (e.data->>'windowStart')::timestamptz = ${visitOrders.windowStart})`,
      ),
    )
    .orderBy(asc(visitOrders.windowStart))
    .limit(limit);
}

/** True when the missed notice of the window starting at `windowStart` was flagged already. */
export async function missedNoticeFlagged(db: Db, orderId: number, windowStart: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: visitEvents.id })
    .from(visitEvents)
    .where(and(eq(visitEvents.orderId, orderId), eq(visitEvents.kind, 'missed_notice'), sql`(${visitEvents.data}->>'windowStart')::timestamptz = ${windowStart.toISOString()}::timestamptz`))
    .limit(1);
  return !!row;
}

/** True when an event of `kind` was recorded for the order (visit-watch's "then escalate"). */
export async function hasEvent(db: Db, orderId: number, kind: string): Promise<boolean> {
  const [row] = await db.select({ id: visitEvents.id }).from(visitEvents).where(and(eq(visitEvents.orderId, orderId), eq(visitEvents.kind, kind))).limit(1);
  return !!row;
}

// ── SLA sweep ────────────────────────────────────────────────────────────────────────────────

/**
 * Orders whose next SLA stage has come, locked for this sweep (other replicas skip them). Reads the
 * partial index on next_check_at: the cost follows the orders at risk, not the table. NO KEY UPDATE
 * does not block (nor wait for) rows merely pointing at the order, like its events.
 */
export async function lockOrdersDue(tx: Db, now: Date, limit: number): Promise<VisitOrderView[]> {
  const found = await withNames(tx)
    .where(and(sql`${visitOrders.nextCheckAt} is not null`, lte(visitOrders.nextCheckAt, now)))
    .orderBy(asc(visitOrders.nextCheckAt))
    .limit(limit)
    .for('no key update', { of: visitOrders, skipLocked: true });
  return found.map(flatten);
}

/** Records stages in one statement; returns those not recorded before (by any replica, at any time). */
export async function recordVisitAlerts(tx: Db, alerts: (typeof visitSlaAlerts.$inferInsert)[]) {
  if (alerts.length === 0) return [];
  return tx
    .insert(visitSlaAlerts)
    .values(alerts)
    .onConflictDoNothing()
    .returning({ orderId: visitSlaAlerts.orderId, target: visitSlaAlerts.target, stage: visitSlaAlerts.stage, dueAt: visitSlaAlerts.dueAt });
}

export async function listVisitAlerts(db: Db, orderId: number): Promise<VisitSlaAlertRow[]> {
  return db.select().from(visitSlaAlerts).where(eq(visitSlaAlerts.orderId, orderId)).orderBy(asc(visitSlaAlerts.stageAt), asc(visitSlaAlerts.id));
}

/** True when the arrival breach was posted against the window starting at `windowStart`. */
export async function arrivalBreachPostedFor(db: Db, orderId: number, windowStart: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: visitSlaAlerts.id })
    .from(visitSlaAlerts)
    .where(and(eq(visitSlaAlerts.orderId, orderId), eq(visitSlaAlerts.target, 'arrival'), eq(visitSlaAlerts.stage, 'breach'), eq(visitSlaAlerts.dueAt, windowStart)))
    .limit(1);
  return !!row;
}

// ── sign-off links ───────────────────────────────────────────────────────────────────────────

export async function insertSignoff(tx: Db, values: typeof visitSignoffs.$inferInsert): Promise<VisitSignoff> {
  const [row] = await tx.insert(visitSignoffs).values(values).returning();
  return row!;
}

export async function getSignoff(db: Db, id: number): Promise<VisitSignoff | undefined> {
  const [row] = await db.select().from(visitSignoffs).where(eq(visitSignoffs.id, id));
  return row;
}

export async function lockSignoff(tx: Db, id: number): Promise<VisitSignoff | undefined> {
  const [row] = await tx.select().from(visitSignoffs).where(eq(visitSignoffs.id, id)).for('update');
  return row;
}

/** The order's live link: not used, not replaced (expiry is the caller's to check). */
export async function liveSignoffOf(db: Db, orderId: number): Promise<VisitSignoff | undefined> {
  const [row] = await db
    .select()
    .from(visitSignoffs)
    .where(and(eq(visitSignoffs.orderId, orderId), isNull(visitSignoffs.usedAt), isNull(visitSignoffs.revokedAt)))
    .orderBy(desc(visitSignoffs.id))
    .limit(1);
  return row;
}

/** Replaces every unused link of an order (a new link was issued, or the order was confirmed another way). */
export async function revokeSignoffs(tx: Db, orderId: number, at: Date): Promise<void> {
  await tx
    .update(visitSignoffs)
    .set({ revokedAt: at })
    .where(and(eq(visitSignoffs.orderId, orderId), isNull(visitSignoffs.usedAt), isNull(visitSignoffs.revokedAt)));
}

export async function markSignoffUsed(tx: Db, id: number, at: Date): Promise<void> {
  await tx.update(visitSignoffs).set({ usedAt: at }).where(eq(visitSignoffs.id, id));
}

export async function countCodeFailure(tx: Db, id: number): Promise<void> {
  await tx.update(visitSignoffs).set({ codeFailures: sql`${visitSignoffs.codeFailures} + 1` }).where(eq(visitSignoffs.id, id));
}
