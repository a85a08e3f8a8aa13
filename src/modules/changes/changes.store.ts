import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { rows, type Db } from '../../platform/db.js';
import { OPEN_STATES, type WatchStage } from './changes.rules.js';
import { changeApprovals, changeEvents, changeNotices, changes } from './changes.table.js';

export type Change = typeof changes.$inferSelect;
export type NewChangeRow = typeof changes.$inferInsert;
export type ChangeEvent = typeof changeEvents.$inferSelect;
export type ChangeApproval = typeof changeApprovals.$inferSelect;

const OPEN = [...OPEN_STATES];

export async function getChange(db: Db, id: number): Promise<Change | undefined> {
  const [row] = await db.select().from(changes).where(eq(changes.id, id));
  return row;
}

export async function getChangeByKey(db: Db, key: string): Promise<Change | undefined> {
  const [row] = await db.select().from(changes).where(eq(changes.key, key));
  return row;
}

export async function getChangeByRequestKey(db: Db, requestKey: string): Promise<Change | undefined> {
  const [row] = await db.select().from(changes).where(eq(changes.requestKey, requestKey));
  return row;
}

/** Locks the change row for the rest of the transaction: concurrent clicks queue here. */
export async function lockChange(tx: Db, id: number): Promise<Change | undefined> {
  const [row] = await tx.select().from(changes).where(eq(changes.id, id)).for('update');
  return row;
}

/** Inserts a change; undefined when its request key was used already (a repeated submission). */
export async function insertChange(tx: Db, values: NewChangeRow): Promise<Change | undefined> {
  const [row] = await tx.insert(changes).values(values).onConflictDoNothing({ target: changes.requestKey }).returning();
  return row;
}

/** Applies a change and bumps the version stale buttons are checked against. */
export async function updateChange(tx: Db, id: number, patch: Partial<NewChangeRow>): Promise<void> {
  await tx
    .update(changes)
    .set({ ...patch, version: sql`${changes.version} + 1` })
    .where(eq(changes.id, id));
}

export async function insertEvent(tx: Db, event: typeof changeEvents.$inferInsert): Promise<void> {
  await tx.insert(changeEvents).values(event);
}

export async function listEvents(db: Db, changeId: number): Promise<ChangeEvent[]> {
  return db.select().from(changeEvents).where(eq(changeEvents.changeId, changeId)).orderBy(asc(changeEvents.at), asc(changeEvents.id));
}

/** Records an approval; false when this approver had approved already. */
export async function insertApproval(tx: Db, changeId: number, approver: string, at: Date): Promise<boolean> {
  const found = await tx.insert(changeApprovals).values({ changeId, approver, at }).onConflictDoNothing().returning({ id: changeApprovals.id });
  return found.length > 0;
}

export async function listApprovers(db: Db, changeId: number): Promise<string[]> {
  const found = await db.select({ approver: changeApprovals.approver }).from(changeApprovals).where(eq(changeApprovals.changeId, changeId)).orderBy(asc(changeApprovals.id));
  return found.map((r) => r.approver);
}

/** Open changes sharing a system with the window [start, end) and overlapping it (touching windows do not). */
export async function listConflicting(db: Db, c: { id?: number; systemKeys: string[]; windowStart: Date; windowEnd: Date }): Promise<Change[]> {
  if (c.systemKeys.length === 0) return [];
  const keys = sql`array[${sql.join(c.systemKeys.map((k) => sql`${k}`), sql`, `)}]::text[]`;
  return db
    .select()
    .from(changes)
    .where(
      and(
        inArray(changes.state, OPEN),
        c.id !== undefined ? sql`${changes.id} <> ${c.id}` : undefined,
        lt(changes.windowStart, c.windowEnd),
        sql`${changes.windowEnd} > ${c.windowStart.toISOString()}::timestamptz`,
        sql`${changes.systemKeys} && ${keys}`,
      ),
    )
    .orderBy(asc(changes.windowStart))
    .limit(20);
}

/** Changes whose window overlaps [from, to), any state, earliest first. */
export async function listInWindow(db: Db, from: Date, to: Date, opts: { openOnly?: boolean; limit?: number } = {}): Promise<Change[]> {
  return db
    .select()
    .from(changes)
    .where(and(lt(changes.windowStart, to), sql`${changes.windowEnd} > ${from.toISOString()}::timestamptz`, opts.openOnly ? inArray(changes.state, OPEN) : undefined))
    .orderBy(asc(changes.windowStart), asc(changes.id))
    .limit(opts.limit ?? 500);
}

/** Changes requested by or to be carried out by a user, not closed, soonest window first. */
export async function listOpenOf(db: Db, userId: string, limit: number): Promise<Change[]> {
  return db
    .select()
    .from(changes)
    .where(and(inArray(changes.state, OPEN), or(eq(changes.requester, userId), eq(changes.implementer, userId))))
    .orderBy(asc(changes.windowStart))
    .limit(limit);
}

/** Changes waiting for approvals (ordinary ones submitted, emergency ones not approved yet), that `userId` has not approved. */
export async function listAwaitingApproval(db: Db, userId: string, limit: number): Promise<Change[]> {
  return db
    .select()
    .from(changes)
    .where(
      and(
        sql`${changes.approvedAt} is null`,
        or(eq(changes.state, 'submitted'), and(eq(changes.emergency, true), inArray(changes.state, ['implementing', 'verifying', 'done', 'rolled_back']))),
        sql`${changes.requester} <> ${userId}`,
        sql`${changes.implementer} <> ${userId}`,
        sql`not exists (select 1 from change_approvals a where a.change_id = "changes"."id" and a.approver = ${userId})`,
      ),
    )
    .orderBy(asc(changes.windowStart))
    .limit(limit);
}

/** Systems of earlier changes, most used first (the form's suggestions). */
export async function listKnownSystems(db: Db, limit: number): Promise<string[]> {
  const found = await rows<{ name: string }>(
    db,
    sql`select min(s) as name from (select unnest(systems) as s from (select systems from changes order by id desc limit 500) r) x group by lower(s) order by count(*) desc, min(s) limit ${limit}`,
  );
  return found.map((r) => r.name);
}

/** Changes with a change-watch stage possibly due at `now` and not yet recorded for it. */
export async function listWatchCandidates(db: Db, now: Date, remindBeforeMin: number, emergencyApprovalMin: number, limit: number): Promise<Change[]> {
  const at = now.toISOString();
  const notice = (stage: WatchStage) => sql`not exists (select 1 from change_notices n where n.change_id = "changes"."id" and n.stage = ${stage})`;
  return db
    .select()
    .from(changes)
    .where(
      or(
        and(
          inArray(changes.state, ['submitted', 'approved', 'scheduled']),
          lte(changes.windowStart, new Date(now.getTime() + remindBeforeMin * 60_000)),
          or(and(sql`${changes.windowStart} > ${at}::timestamptz`, notice('reminder')), and(lte(changes.windowStart, now), notice('nudge'))),
        ),
        and(eq(changes.state, 'implementing'), lte(changes.windowEnd, now), notice('overrun')),
        and(
          eq(changes.emergency, true),
          sql`${changes.approvedAt} is null`,
          sql`${changes.state} not in ('rejected', 'cancelled')`,
          sql`${changes.createdAt} <= ${new Date(now.getTime() - emergencyApprovalMin * 60_000).toISOString()}::timestamptz`,
          notice('emergency_overdue'),
        ),
      ),
    )
    .orderBy(asc(changes.id))
    .limit(limit);
}

/** Records a change-watch stage; false when it was recorded before (by any replica, at any time). */
export async function recordNotice(tx: Db, changeId: number, stage: WatchStage, at: Date): Promise<boolean> {
  const found = await tx.insert(changeNotices).values({ changeId, stage, at }).onConflictDoNothing().returning({ id: changeNotices.id });
  return found.length > 0;
}

export async function listNotices(db: Db, changeId: number) {
  return db.select().from(changeNotices).where(eq(changeNotices.changeId, changeId)).orderBy(asc(changeNotices.id));
}

/** Per state, and the emergencies and overruns, of changes whose window starts in [from, to). */
export async function countInRange(db: Db, from: Date, to: Date) {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      done: sql<number>`count(*) filter (where ${changes.state} = 'done')::int`,
      rolledBack: sql<number>`count(*) filter (where ${changes.state} = 'rolled_back')::int`,
      rejected: sql<number>`count(*) filter (where ${changes.state} = 'rejected')::int`,
      cancelled: sql<number>`count(*) filter (where ${changes.state} = 'cancelled')::int`,
      emergencies: sql<number>`count(*) filter (where ${changes.emergency})::int`,
      // Spelled out: drizzle writes a column of a one-table select unqualified, which the subquery would read as n.id.
      overruns: sql<number>`count(*) filter (where exists (select 1 from change_notices n where n.change_id = "changes"."id" and n.stage = 'overrun'))::int`,
    })
    .from(changes)
    .where(and(gte(changes.windowStart, from), lt(changes.windowStart, to)));
  return row!;
}

/** The most recent changes linked to a ticket. */
export async function listByTicket(db: Db, ticketId: number): Promise<Change[]> {
  return db.select().from(changes).where(eq(changes.ticketId, ticketId)).orderBy(desc(changes.id)).limit(20);
}
