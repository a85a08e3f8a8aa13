// The review's figures, computed in SQL (SPEC §3.8, §7: a month over 1,000,000 tickets in < 2 s).
// One statement per source; each answers one JSON document so both drivers give the same numbers.
//
// Each figure belongs to the month its outcome happened in, so a ticket is counted once per figure
// across months: opened by created_at, resolved by resolved_at, a met target when it was met, a
// breached target when it fell due (an extension after a breach keeps the original breach).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../platform/db.js';

/** The two months a review compares, as instants, with the moment targets are judged at. */
export interface ReviewWindow {
  /** Start of the previous month, start of the reviewed month, end of the reviewed month. */
  pf: Date;
  f: Date;
  t: Date;
  /** min(now, t): a target not met and not yet due at this moment is still pending. */
  asOf: Date;
  zone: string;
}

/** Per month index: [previous, current]. */
export type Pair = [number, number];

export interface CountsRow {
  dim: 'all' | 'priority' | 'category' | 'fault';
  key: string | null;
  opened: Pair;
  cancelled: Pair;
  resolved: Pair;
  openAtEnd: Pair;
  responseMet: Pair;
  responseBreached: Pair;
  resolutionMet: Pair;
  resolutionBreached: Pair;
}

export interface BreachRow {
  key: string;
  title: string;
  priority: string;
  dueAt: string;
  resolvedAt: string | null;
  lateMinutes: number;
  extendedAfterBreach: boolean;
  plan: string | null;
  cause: string | null;
}

export interface TicketDoc {
  counts: CountsRow[];
  /** Minutes: median and p90 of time to acknowledge / resolve, [previous, current]. */
  mtta: { median: [number | null, number | null]; p90: [number | null, number | null] };
  mttr: { median: [number | null, number | null]; p90: [number | null, number | null] };
  breaches: BreachRow[];
  daily: { day: string; opened: number }[];
  weekly: { week: string; target: 'response' | 'resolution'; met: number; breached: number }[];
}

const iso = (d: Date) => d.toISOString();

/** Whether a table exists yet (the SLA and visits modules add theirs; the review reads them when there). */
export async function tableExists(db: Db, name: string): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(db, sql`select to_regclass(${`public.${name}`}) is not null as ok`);
  return !!row?.ok;
}

/**
 * The ticket figures of both months in one pass: the tickets that can matter to either month are
 * read once (a parallel sequential scan), reduced to a narrow row with each outcome and the month it
 * fell in, and that row set feeds the counts (one group per combination of outcomes, a few
 * thousand at a million tickets), the percentiles and the worst breaches. work_mem is raised for
 * this transaction only, so the narrow set and its sorts stay in memory on a default server.
 */
export async function ticketFigures(db: Db, w: ReviewWindow, withExtensions: boolean): Promise<TicketDoc> {
  const PF = sql`${iso(w.pf)}::timestamptz`;
  const F = sql`${iso(w.f)}::timestamptz`;
  const T = sql`${iso(w.t)}::timestamptz`;
  const ASOF = sql`${iso(w.asOf)}::timestamptz`;
  const TZ = sql`${w.zone}::text`;
  const month = (col: string) => sql`case when ${sql.raw(col)} >= ${F} and ${sql.raw(col)} < ${T} then 1 when ${sql.raw(col)} >= ${PF} and ${sql.raw(col)} < ${F} then 0 end`;
  const extensions: SQL = withExtensions
    ? sql`left join (select ticket_id, min(previous_due_at) filter (where breached_before) as bb from sla_extensions group by ticket_id) x on x.ticket_id = t.id`
    : sql`left join (select null::int as ticket_id, null::timestamptz as bb) x on false`;
  const query = sql`
    with c as (
      select t.id, t.key, t.priority, t.category, coalesce(t.fault_category, t.category) as fault, t.state, t.created_at, coalesce(t.cancelled_at, t.updated_at) as cancelled_at,
             t.resolved_at as res, least(t.acknowledged_at, t.resolved_at) as ack, t.response_due_at as rdue, t.resolution_due_at as sdue,
             t.paused_at, x.bb
      from tickets t ${extensions}
      where t.created_at < ${T}
        and (t.created_at >= ${PF} or t.updated_at >= ${PF} or (t.state <> 'cancelled' and t.resolved_at is null)
             or t.response_due_at >= ${PF} or t.resolution_due_at >= ${PF})
    ),
    o as (
      select c.*,
        case when c.ack is not null and c.ack <= c.rdue then 'm'
             when c.state = 'cancelled' and c.cancelled_at <= c.rdue then null
             when c.rdue <= ${ASOF} then 'b' end as rsp,
        case when c.ack is not null and c.ack <= c.rdue then c.ack else c.rdue end as rsp_at,
        case when c.bb is not null then 'b'
             when c.res is not null and c.res <= c.sdue then 'm'
             when c.state = 'cancelled' and c.cancelled_at <= c.sdue then null
             when c.sdue <= ${ASOF} and (c.paused_at is null or c.paused_at > c.sdue) then 'b' end as sol,
        case when c.bb is not null then c.bb when c.res is not null and c.res <= c.sdue then c.res else c.sdue end as sol_at
      from c
    ),
    m as materialized (
      select id, priority, category, state = 'cancelled' as cancelled, rsp, sol, sol_at, res, bb is not null as extended,
        ${month('created_at')} as cm, ${month('res')} as rm, ${month('ack')} as am, ${month('rsp_at')} as rspm, ${month('sol_at')} as solm,
        (created_at < ${F} and (res is null or res >= ${F}) and not (state = 'cancelled' and cancelled_at < ${F})) as open0,
        (created_at < ${T} and (res is null or res >= ${T}) and not (state = 'cancelled' and cancelled_at < ${T})) as open1,
        extract(epoch from ack - created_at)::float8 / 60 as tta,
        extract(epoch from res - created_at)::float8 / 60 as ttr,
        case when res >= ${PF} and res < ${T} then fault end as fault,
        case when created_at >= ${F} and state <> 'cancelled' then (created_at at time zone ${TZ})::date end as cday,
        case when rsp is not null and rsp_at >= ${F} and rsp_at < ${T} then date_trunc('week', rsp_at at time zone ${TZ})::date end as rspw,
        case when sol is not null and sol_at >= ${F} and sol_at < ${T} then date_trunc('week', sol_at at time zone ${TZ})::date end as solw
      from o
    ),
    -- Counted once per combination of outcomes (a few thousand); the sums by month, priority,
    -- category, fault category, day and week follow in code.
    counts as (
      select priority, category, cancelled, cm, rm, rspm, rsp, solm, sol, open0, open1, fault, cday, rspw, solw, count(*)::int as n
      from m group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    ),
    pct as (
      select
        json_build_array(percentile_cont(0.5) within group (order by tta) filter (where am = 0), percentile_cont(0.5) within group (order by tta) filter (where am = 1)) as mtta_median,
        json_build_array(percentile_cont(0.9) within group (order by tta) filter (where am = 0), percentile_cont(0.9) within group (order by tta) filter (where am = 1)) as mtta_p90,
        json_build_array(percentile_cont(0.5) within group (order by ttr) filter (where rm = 0), percentile_cont(0.5) within group (order by ttr) filter (where rm = 1)) as mttr_median,
        json_build_array(percentile_cont(0.9) within group (order by ttr) filter (where rm = 0), percentile_cont(0.9) within group (order by ttr) filter (where rm = 1)) as mttr_p90
      from m
    ),
    worst as (
      select m.id, m.sol_at as "dueAt", m.res as "resolvedAt", m.extended as "extendedAfterBreach",
             round(extract(epoch from coalesce(m.res, ${ASOF}) - m.sol_at) / 60)::int as "lateMinutes"
      from m where m.sol = 'b' and m.solm = 1
      order by "lateMinutes" desc, m.id limit 10
    ),
    breaches as (
      select t.key, t.title, t.priority, t.cause, w.*,
             ${withExtensions ? sql`(select e.plan from sla_extensions e where e.ticket_id = t.id order by e.id desc limit 1)` : sql`null::text`} as plan
      from worst w join tickets t on t.id = w.id
    )
    select json_build_object(
      'counts', coalesce((select json_agg(counts) from counts), '[]'::json),
      'mtta', (select json_build_object('median', mtta_median, 'p90', mtta_p90) from pct),
      'mttr', (select json_build_object('median', mttr_median, 'p90', mttr_p90) from pct),
      'breaches', coalesce((select json_agg(b order by b."lateMinutes" desc, b.key) from breaches b), '[]'::json)
    )::text as doc`;
  const [row] = await db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return rows<{ doc: string }>(tx, query);
  });
  const doc = JSON.parse(row!.doc) as Pick<TicketDoc, 'mtta' | 'mttr' | 'breaches'> & { counts: OutcomeCount[] };
  const { counts, daily, weekly } = sumCounts(doc.counts);
  const breaches = doc.breaches.map(({ id: _id, ...b }: BreachRow & { id?: number }) => b);
  return { counts, mtta: doc.mtta, mttr: doc.mttr, breaches, daily, weekly };
}

/** A count of tickets sharing one combination of priority, category and outcomes per month. */
interface OutcomeCount {
  priority: string;
  category: string;
  cancelled: boolean;
  cm: 0 | 1 | null;
  rm: 0 | 1 | null;
  rspm: 0 | 1 | null;
  rsp: 'm' | 'b' | null;
  solm: 0 | 1 | null;
  sol: 'm' | 'b' | null;
  open0: boolean;
  open1: boolean;
  /** The fault category of a ticket resolved in either month. */
  fault: string | null;
  /** The local date a ticket of the current month was opened; the week (Monday) its targets' outcomes fell in. */
  cday: string | null;
  rspw: string | null;
  solw: string | null;
  n: number;
}

const emptyRow = (dim: CountsRow['dim'], key: string | null): CountsRow => ({
  dim,
  key,
  opened: [0, 0],
  cancelled: [0, 0],
  resolved: [0, 0],
  openAtEnd: [0, 0],
  responseMet: [0, 0],
  responseBreached: [0, 0],
  resolutionMet: [0, 0],
  resolutionBreached: [0, 0],
});

/** Sums the outcome combinations into the rows of all tickets, each priority, category and fault category, and the series. */
function sumCounts(groups: OutcomeCount[]): Pick<TicketDoc, 'counts' | 'daily' | 'weekly'> {
  const rows = new Map<string, CountsRow>([['all:', emptyRow('all', null)]]);
  const rowOf = (dim: CountsRow['dim'], key: string | null) => {
    const id = `${dim}:${key ?? ''}`;
    if (!rows.has(id)) rows.set(id, emptyRow(dim, key));
    return rows.get(id)!;
  };
  const days = new Map<string, number>();
  const weeks = new Map<string, TicketDoc['weekly'][number]>();
  const week = (w: string, target: 'response' | 'resolution') => {
    const id = `${w}:${target}`;
    if (!weeks.has(id)) weeks.set(id, { week: w, target, met: 0, breached: 0 });
    return weeks.get(id)!;
  };
  for (const g of groups) {
    for (const r of [rowOf('all', null), rowOf('priority', g.priority), rowOf('category', g.category)]) {
      if (g.cm !== null) r[g.cancelled ? 'cancelled' : 'opened'][g.cm] += g.n;
      if (g.rm !== null) r.resolved[g.rm] += g.n;
      if (g.open0) r.openAtEnd[0] += g.n;
      if (g.open1) r.openAtEnd[1] += g.n;
      if (g.rspm !== null && g.rsp) r[g.rsp === 'm' ? 'responseMet' : 'responseBreached'][g.rspm] += g.n;
      if (g.solm !== null && g.sol) r[g.sol === 'm' ? 'resolutionMet' : 'resolutionBreached'][g.solm] += g.n;
    }
    if (g.fault !== null && g.rm !== null) rowOf('fault', g.fault).resolved[g.rm] += g.n;
    if (g.cday) days.set(g.cday, (days.get(g.cday) ?? 0) + g.n);
    if (g.rspw && g.rsp) week(g.rspw, 'response')[g.rsp === 'm' ? 'met' : 'breached'] += g.n;
    if (g.solw && g.sol) week(g.solw, 'resolution')[g.sol === 'm' ? 'met' : 'breached'] += g.n;
  }
  return {
    counts: [...rows.values()],
    daily: [...days.entries()].map(([day, opened]) => ({ day, opened })).sort((a, b) => a.day.localeCompare(b.day)),
    weekly: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week) || a.target.localeCompare(b.target)),
  };
}

export interface ExtensionRow {
  key: string;
  plan: string;
  committedAt: string;
  consentedBy: string;
  consentMethod: string;
  breachedBefore: boolean;
}

/** Consented extensions recorded in each month (the SLA module's table), with the current month's list. */
export async function extensionFigures(db: Db, w: ReviewWindow): Promise<{ count: Pair; breachedBefore: Pair; list: ExtensionRow[] }> {
  const [row] = await rows<{ doc: string }>(
    db,
    sql`with p as (select ${iso(w.pf)}::timestamptz as pf, ${iso(w.f)}::timestamptz as f, ${iso(w.t)}::timestamptz as t),
      e as (select e.*, t.key, case when e.recorded_at >= p.f then 1 else 0 end as mi
            from sla_extensions e join tickets t on t.id = e.ticket_id, p
            where e.recorded_at >= p.pf and e.recorded_at < p.t)
      select json_build_object(
        'count', json_build_array(count(*) filter (where mi = 0)::int, count(*) filter (where mi = 1)::int),
        'breachedBefore', json_build_array(count(*) filter (where mi = 0 and breached_before)::int, count(*) filter (where mi = 1 and breached_before)::int),
        'list', coalesce((select json_agg(json_build_object('key', key, 'plan', plan, 'committedAt', committed_at, 'consentedBy', consented_by,
                  'consentMethod', consent_method, 'breachedBefore', breached_before) order by recorded_at) from (select * from e where mi = 1 order by recorded_at limit 10) l), '[]'::json)
      )::text as doc from e`,
  );
  return JSON.parse(row!.doc);
}

export interface VisitDoc {
  orders: Pair;
  arrived: Pair;
  onTime: Pair;
  /** Arrivals 5–10 minutes before the agreed start, both ends included: the handbook's target. */
  inTarget: Pair;
  lateNotices: Pair;
  lateNoticesInTime: Pair;
  noContact: Pair;
  rated: Pair;
  ratingSum: Pair;
}

/**
 * Visit orders (the visits module's table): created in the month; arrivals on time and in the 5–10
 * minutes early target by arrival month; late notices given in time; no-contact; ratings by confirmation.
 *
 * Punctuality is the visits module's own judgement (visits.rules arrivalPunctuality), read from the
 * `punctuality` it records at check-in: on time is arriving at or before the agreed start to the
 * millisecond (so 29 seconds late is late, though arrival_offset_minutes rounds it to 0), the
 * target is 5–10 minutes early. A row without it (written by hand or before it was recorded) is
 * judged the same way from arrived_at and window_start.
 */
export async function visitFigures(db: Db, w: ReviewWindow): Promise<VisitDoc> {
  const month = (col: string) => `case when ${col} >= p.f and ${col} < p.t then 1 when ${col} >= p.pf and ${col} < p.f then 0 end`;
  const two = (cond: string, value = '1') =>
    `json_build_array(coalesce(sum(${value}) filter (where ${cond.replace(/\$M/g, '0')}), 0)::int, coalesce(sum(${value}) filter (where ${cond.replace(/\$M/g, '1')}), 0)::int)`;
  const [row] = await rows<{ doc: string }>(
    db,
    sql`with p as (select ${iso(w.pf)}::timestamptz as pf, ${iso(w.f)}::timestamptz as f, ${iso(w.t)}::timestamptz as t),
      v as (select v.*, ${sql.raw(month('v.created_at'))} as cm, ${sql.raw(month('v.arrived_at'))} as am, ${sql.raw(month('v.confirmed_at'))} as fm
            from visit_orders v, p
            where v.created_at >= p.pf and v.created_at < p.t or v.arrived_at >= p.pf and v.arrived_at < p.t or v.confirmed_at >= p.pf and v.confirmed_at < p.t)
      select json_build_object(
        'orders', ${sql.raw(two("cm = $M and state <> 'cancelled'"))},
        'arrived', ${sql.raw(two('am = $M'))},
        'onTime', ${sql.raw(two(`am = $M and coalesce(punctuality in ('early', 'target', 'on_time'), arrived_at <= window_start)`))},
        'inTarget', ${sql.raw(two(`am = $M and coalesce(punctuality = 'target', arrived_at between window_start - interval '10 minutes' and window_start - interval '5 minutes')`))},
        'lateNotices', ${sql.raw(two('cm = $M', 'late_notices'))},
        'lateNoticesInTime', ${sql.raw(two('cm = $M', 'greatest(late_notices - late_notices_flagged, 0)'))},
        'noContact', ${sql.raw(two("cm = $M and (state = 'no_contact' or left_note_at is not null)"))},
        'rated', ${sql.raw(two('fm = $M and rating is not null'))},
        'ratingSum', ${sql.raw(two('fm = $M and rating is not null', 'rating'))}
      )::text as doc from v`,
  );
  return JSON.parse(row!.doc);
}

export interface PatrolDoc {
  runs: Pair;
  submitted: Pair;
  onTime: Pair;
  abnormalItems: Pair;
  abnormal: { checklist: string; date: string; item: string; ticket: string | null }[];
}

/** Patrol runs by slot month: submitted, on time (by the deadline), abnormal items. */
export async function patrolFigures(db: Db, w: ReviewWindow): Promise<PatrolDoc> {
  const [row] = await rows<{ doc: string }>(
    db,
    sql`with p as (select ${iso(w.pf)}::timestamptz as pf, ${iso(w.f)}::timestamptz as f, ${iso(w.t)}::timestamptz as t),
      r as (select r.*, case when r.slot_at >= p.f then 1 else 0 end as mi,
                   (select count(*) from patrol_items i where i.run_id = r.id and i.status = 'abnormal')::int as abnormal
            from patrol_runs r, p where r.slot_at >= p.pf and r.slot_at < p.t)
      select json_build_object(
        'runs', json_build_array(count(*) filter (where mi = 0)::int, count(*) filter (where mi = 1)::int),
        'submitted', json_build_array(count(*) filter (where mi = 0 and submitted_at is not null)::int, count(*) filter (where mi = 1 and submitted_at is not null)::int),
        'onTime', json_build_array(count(*) filter (where mi = 0 and submitted_at <= deadline_at)::int, count(*) filter (where mi = 1 and submitted_at <= deadline_at)::int),
        'abnormalItems', json_build_array(coalesce(sum(abnormal) filter (where mi = 0), 0)::int, coalesce(sum(abnormal) filter (where mi = 1), 0)::int),
        'abnormal', coalesce((select json_agg(json_build_object('checklist', a.checklist, 'date', a.run_date, 'item', a.label, 'ticket', a.key) order by a.slot_at, a.position)
                     from (select r2.checklist, r2.run_date, r2.slot_at, i.position, i.label, t.key
                           from r r2 join patrol_items i on i.run_id = r2.id and i.status = 'abnormal' left join tickets t on t.id = i.ticket_id
                           where r2.mi = 1 order by r2.slot_at, i.position limit 20) a), '[]'::json)
      )::text as doc from r`,
  );
  return JSON.parse(row!.doc);
}

/** A change of the reviewed month (by its window's start), as the post and the CSV list it. */
export interface ChangeRow {
  key: string;
  title: string;
  risk: string;
  emergency: boolean;
  state: string;
  windowStart: string;
  windowEnd: string;
  /** The window ran out while it was still being carried out (change-watch's overrun escalation). */
  overran: boolean;
  slackChannel: string | null;
  slackTs: string | null;
}

/** The changes whose window starts in the reviewed month, earliest first (at most `limit`). */
export async function changeList(db: Db, w: ReviewWindow, limit = 200): Promise<ChangeRow[]> {
  const [row] = await rows<{ doc: string }>(
    db,
    sql`select coalesce(json_agg(json_build_object('key', c.key, 'title', c.title, 'risk', c.risk, 'emergency', c.emergency, 'state', c.state,
                'windowStart', c.window_start, 'windowEnd', c.window_end, 'overran', c.overran, 'slackChannel', c.slack_channel, 'slackTs', c.slack_ts)
              order by c.window_start, c.id), '[]'::json)::text as doc
      from (select ch.*, exists (select 1 from change_notices n where n.change_id = ch.id and n.stage = 'overrun') as overran
            from changes ch where ch.window_start >= ${iso(w.f)}::timestamptz and ch.window_start < ${iso(w.t)}::timestamptz
            order by ch.window_start, ch.id limit ${limit}) c`,
  );
  return (JSON.parse(row!.doc) as ChangeRow[]).map((c) => ({ ...c, windowStart: new Date(c.windowStart).toISOString(), windowEnd: new Date(c.windowEnd).toISOString() }));
}
