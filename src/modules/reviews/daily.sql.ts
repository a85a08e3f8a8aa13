// The daily work report's facts (工作报告): what each engineer handled on a day, what they still
// hold, and what is blocked. Raw SQL through rows(); timestamps cast to text so both drivers agree.
import { and, asc, isNull, notInArray, sql } from 'drizzle-orm';
import { rows, type Db } from '../../platform/db.js';
import { tickets } from '../tickets/index.js';

export interface HandledRow {
  user_id: string;
  kind: 'opened' | 'taken' | 'resolved' | 'visit';
  key: string;
}

export interface OpenRow {
  user_id: string;
  key: string;
  title: string;
  priority: string;
  state: string;
  response_breached: boolean;
  resolution_breached: boolean;
}

/** Tickets opened (by their creator), taken and resolved (by the actor of the event) in [from, to). */
export async function handledOn(db: Db, from: Date, to: Date, withVisits: boolean): Promise<HandledRow[]> {
  const f = from.toISOString();
  const t = to.toISOString();
  const visits = withVisits
    ? sql`union all
          select coalesce(v.completed_by, v.engineer), 'visit', v.key from visit_orders v
          where v.completed_at >= ${f}::timestamptz and v.completed_at < ${t}::timestamptz and coalesce(v.completed_by, v.engineer) is not null`
    : sql``;
  return rows<HandledRow>(
    db,
    sql`select created_by as user_id, 'opened' as kind, key from tickets
          where created_at >= ${f}::timestamptz and created_at < ${t}::timestamptz
        union all
        select e.actor, case e.kind when 'take' then 'taken' else 'resolved' end, t.key
          from ticket_events e join tickets t on t.id = e.ticket_id
          where e.at >= ${f}::timestamptz and e.at < ${t}::timestamptz and e.kind in ('take', 'resolve')
        ${visits}
        order by 1, 2, 3`,
  );
}

/** How many unassigned tickets the report lists; the rest are counted. */
export const UNASSIGNED_LIMIT = 15;

/** Open tickets (not resolved, closed or cancelled) without an assignee, most urgent first, with their clocks, and how many there are. */
export async function openUnassigned(db: Db, limit = UNASSIGNED_LIMIT) {
  const where = and(isNull(tickets.assignee), notInArray(tickets.state, ['resolved', 'closed', 'cancelled']));
  const list = await db
    .select({
      key: tickets.key,
      title: tickets.title,
      priority: tickets.priority,
      state: tickets.state,
      createdAt: tickets.createdAt,
      acknowledgedAt: tickets.acknowledgedAt,
      responseDueAt: tickets.responseDueAt,
      resolutionDueAt: tickets.resolutionDueAt,
    })
    .from(tickets)
    .where(where)
    .orderBy(asc(tickets.priority), asc(tickets.resolutionDueAt), asc(tickets.id))
    .limit(limit);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where);
  return { list, total: count?.n ?? list.length };
}

/** Every open ticket with an assignee, with whether its targets are breached at `now`. */
export async function openAssigned(db: Db, now: Date): Promise<OpenRow[]> {
  const n = now.toISOString();
  return rows<OpenRow>(
    db,
    sql`select assignee as user_id, key, title, priority, state,
          (acknowledged_at is null and response_due_at <= ${n}::timestamptz) as response_breached,
          (paused_at is null and resolution_due_at <= ${n}::timestamptz) as resolution_breached
        from tickets
        where assignee is not null and state not in ('closed', 'cancelled') and state <> 'resolved'
        order by assignee, priority, resolution_due_at`,
  );
}
