import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { tickets } from '../tickets/index.js';
import { patrolItems, patrolRuns } from './patrols.table.js';

export type PatrolRun = typeof patrolRuns.$inferSelect;
export type PatrolItem = typeof patrolItems.$inferSelect & { ticketKey?: string | null };
/** A run with its items in checklist order (and the keys of the tickets abnormal items opened). */
export type PatrolRunWithItems = PatrolRun & { items: PatrolItem[] };

/** Inserts a run for a slot; undefined when the slot has its run already. */
export async function insertRun(tx: Db, values: typeof patrolRuns.$inferInsert): Promise<PatrolRun | undefined> {
  const [row] = await tx.insert(patrolRuns).values(values).onConflictDoNothing({ target: [patrolRuns.checklist, patrolRuns.slotAt] }).returning();
  return row;
}

export async function insertItems(tx: Db, runId: number, labels: string[]): Promise<void> {
  await tx.insert(patrolItems).values(labels.map((label, i) => ({ runId, position: i + 1, label })));
}

export async function getRunBySlot(db: Db, checklist: string, slotAt: Date): Promise<PatrolRun | undefined> {
  const [row] = await db.select().from(patrolRuns).where(and(eq(patrolRuns.checklist, checklist), eq(patrolRuns.slotAt, slotAt)));
  return row;
}

/** Locks the run row for the rest of the transaction: concurrent clicks queue here. */
export async function lockRun(tx: Db, id: number): Promise<PatrolRun | undefined> {
  const [row] = await tx.select().from(patrolRuns).where(eq(patrolRuns.id, id)).for('update');
  return row;
}

export async function getRun(db: Db, id: number): Promise<PatrolRunWithItems | undefined> {
  const [run] = await db.select().from(patrolRuns).where(eq(patrolRuns.id, id));
  if (!run) return undefined;
  return { ...run, items: await listItems(db, id) };
}

export async function listItems(db: Db, runId: number): Promise<PatrolItem[]> {
  const found = await db
    .select({ item: patrolItems, ticketKey: tickets.key })
    .from(patrolItems)
    .leftJoin(tickets, eq(tickets.id, patrolItems.ticketId))
    .where(eq(patrolItems.runId, runId))
    .orderBy(asc(patrolItems.position));
  return found.map((r) => ({ ...r.item, ticketKey: r.ticketKey }));
}

/** Applies a change and bumps the version that stale buttons are checked against. */
export async function updateRun(tx: Db, id: number, patch: Partial<typeof patrolRuns.$inferInsert>): Promise<void> {
  await tx
    .update(patrolRuns)
    .set({ ...patch, version: sql`${patrolRuns.version} + 1` })
    .where(eq(patrolRuns.id, id));
}

export async function recordItem(tx: Db, runId: number, position: number, patch: { status: 'ok' | 'abnormal'; note: string | null; recordedBy: string; recordedAt: Date }): Promise<void> {
  await tx.update(patrolItems).set(patch).where(and(eq(patrolItems.runId, runId), eq(patrolItems.position, position)));
}

/** Links an abnormal item to its ticket; false when it had one already (a retry). */
export async function linkTicket(tx: Db, itemId: number, ticketId: number): Promise<boolean> {
  const updated = await tx
    .update(patrolItems)
    .set({ ticketId })
    .where(and(eq(patrolItems.id, itemId), isNull(patrolItems.ticketId)))
    .returning({ id: patrolItems.id });
  return updated.length > 0;
}

/** Runs of these local dates, with items, oldest slot first. */
export async function listRunsOn(db: Db, runDate: string): Promise<PatrolRunWithItems[]> {
  const runs = await db.select().from(patrolRuns).where(eq(patrolRuns.runDate, runDate)).orderBy(asc(patrolRuns.slotAt));
  return withItems(db, runs);
}

/** The latest runs of a checklist, newest first. */
export async function listHistory(db: Db, checklist: string, limit: number): Promise<PatrolRunWithItems[]> {
  const runs = await db.select().from(patrolRuns).where(eq(patrolRuns.checklist, checklist)).orderBy(desc(patrolRuns.slotAt)).limit(limit);
  return withItems(db, runs);
}

async function withItems(db: Db, runs: PatrolRun[]): Promise<PatrolRunWithItems[]> {
  if (runs.length === 0) return [];
  const found = await db
    .select({ item: patrolItems, ticketKey: tickets.key })
    .from(patrolItems)
    .leftJoin(tickets, eq(tickets.id, patrolItems.ticketId))
    .where(inArray(patrolItems.runId, runs.map((r) => r.id)))
    .orderBy(asc(patrolItems.runId), asc(patrolItems.position));
  const byRun = new Map<number, PatrolItem[]>();
  for (const r of found) byRun.set(r.item.runId, [...(byRun.get(r.item.runId) ?? []), { ...r.item, ticketKey: r.ticketKey }]);
  return runs.map((run) => ({ ...run, items: byRun.get(run.id) ?? [] }));
}

/** Unsubmitted runs owing a reminder or an escalation at `now` (uses the watch index). */
export async function listRunsToAlert(db: Db, now: Date, limit: number): Promise<PatrolRun[]> {
  return db
    .select()
    .from(patrolRuns)
    .where(
      and(
        sql`${patrolRuns.state} <> 'submitted' and ${patrolRuns.escalatedAt} is null`,
        sql`${patrolRuns.deadlineAt} <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(patrolRuns.deadlineAt))
    .limit(limit);
}

/** Marks an alert as sent; false when another run of the watch got there first. */
export async function markAlert(tx: Db, runId: number, column: 'remindedAt' | 'escalatedAt', now: Date): Promise<boolean> {
  const col = column === 'remindedAt' ? patrolRuns.remindedAt : patrolRuns.escalatedAt;
  const updated = await tx
    .update(patrolRuns)
    .set({ [column]: now })
    .where(and(eq(patrolRuns.id, runId), isNull(col)))
    .returning({ id: patrolRuns.id });
  return updated.length > 0;
}

/** Runs with abnormal items whose ticket is not opened yet (an interrupted submit). */
export async function listRunsWithUnlinkedItems(db: Db, limit: number): Promise<number[]> {
  const found = await db
    .selectDistinct({ runId: patrolItems.runId })
    .from(patrolItems)
    .where(and(eq(patrolItems.status, 'abnormal'), isNull(patrolItems.ticketId)))
    .limit(limit);
  return found.map((r) => r.runId);
}

/** The patrol item a ticket was opened for, if any (the link from the ticket's side). */
export async function findItemByTicket(db: Db, ticketId: number): Promise<{ item: PatrolItem; run: PatrolRun } | undefined> {
  const [row] = await db
    .select({ item: patrolItems, run: patrolRuns })
    .from(patrolItems)
    .innerJoin(patrolRuns, eq(patrolRuns.id, patrolItems.runId))
    .where(eq(patrolItems.ticketId, ticketId));
  return row;
}
