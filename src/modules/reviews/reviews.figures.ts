// Assembles the review of a month from its SQL documents: both months' figures, the current
// month's lists and series, and the flat rows the CSV export and the tests read.
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';
import type { Db } from '../../platform/db.js';
import { changeCounts } from '../changes/index.js';
import * as rules from './reviews.rules.js';
import * as q from './reviews.sql.js';

export interface Counts {
  opened: number;
  cancelled: number;
  resolved: number;
  openAtEnd: number;
}

export interface MonthFigures {
  month: string;
  workingDays: number;
  holidays: string[];
  totals: Counts;
  byPriority: Record<string, Counts>;
  byCategory: Record<string, Counts>;
  response: { met: number; breached: number; pct: number | null };
  resolution: { met: number; breached: number; pct: number | null };
  /** Minutes. */
  mtta: { median: number | null; p90: number | null };
  mttr: { median: number | null; p90: number | null };
  extensions: { count: number; breachedBefore: number } | null;
  visits: {
    orders: number;
    arrived: number;
    onTime: number;
    onTimePct: number | null;
    /** Arrived 5–10 minutes before the agreed start (the handbook's target), of all arrivals. */
    arrivedInTarget: number;
    arrivedInTargetPct: number | null;
    lateNotices: number;
    lateNoticesInTime: number;
    lateNoticesInTimePct: number | null;
    noContact: number;
    rated: number;
    avgRating: number | null;
  } | null;
  patrols: { runs: number; submitted: number; onTime: number; completionPct: number | null; abnormalItems: number };
  /** Tickets resolved in the month by fault category (the category when none was recorded). */
  faultCategories: Record<string, number>;
  /** Change requests whose window started in the month; success = done of done + rolled back. */
  changes: ChangeFigures;
}

export interface ChangeFigures {
  total: number;
  done: number;
  rolledBack: number;
  rejected: number;
  cancelled: number;
  emergencies: number;
  overruns: number;
  successPct: number | null;
}

type ChangeCounts = Awaited<ReturnType<typeof changeCounts>>;

function changeFigures(c: ChangeCounts): ChangeFigures {
  return { total: c.total, done: c.done, rolledBack: c.rolledBack, rejected: c.rejected, cancelled: c.cancelled, emergencies: c.emergencies, overruns: c.overruns, successPct: rules.percent(c.done, c.done + c.rolledBack) };
}

export interface Review {
  month: string;
  zone: string;
  computedAt: string;
  /** Targets not met and not due by this moment are pending, not breached. */
  asOf: string;
  current: MonthFigures;
  previous: MonthFigures;
  breaches: q.BreachRow[];
  extensionList: q.ExtensionRow[] | null;
  abnormalItems: q.PatrolDoc['abnormal'];
  days: { date: string; opened: number; working: boolean; holiday: boolean }[];
  weeks: { week: string; label: string; responsePct: number | null; resolutionPct: number | null }[];
  topFaults: { category: string; count: number; change: number | null }[];
  /** The month's changes with their window and outcome. */
  changeList: q.ChangeRow[];
}

const EMPTY: Counts = { opened: 0, cancelled: 0, resolved: 0, openAtEnd: 0 };

function countsOf(row: q.CountsRow | undefined, i: 0 | 1): Counts {
  if (!row) return { ...EMPTY };
  return { opened: row.opened[i], cancelled: row.cancelled[i], resolved: row.resolved[i], openAtEnd: row.openAtEnd[i] };
}

function monthFigures(
  month: string,
  i: 0 | 1,
  cal: rules.WorkCalendar,
  zone: string,
  t: q.TicketDoc,
  ext: Awaited<ReturnType<typeof q.extensionFigures>> | null,
  visits: q.VisitDoc | null,
  patrols: q.PatrolDoc,
  changes: ChangeCounts,
): MonthFigures {
  const all = t.counts.find((c) => c.dim === 'all');
  const by = (dim: q.CountsRow['dim']) =>
    Object.fromEntries(
      t.counts
        .filter((c) => c.dim === dim && (c.opened[i] || c.resolved[i] || c.openAtEnd[i] || c.cancelled[i]))
        .sort((a, b) => b.opened[i] - a.opened[i] || String(a.key).localeCompare(String(b.key)))
        .map((c) => [c.key!, countsOf(c, i)]),
    );
  const rMet = all?.responseMet[i] ?? 0;
  const rBr = all?.responseBreached[i] ?? 0;
  const sMet = all?.resolutionMet[i] ?? 0;
  const sBr = all?.resolutionBreached[i] ?? 0;
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  const byPriority = by('priority');
  for (const p of ['P1', 'P2', 'P3', 'P4']) byPriority[p] ??= { ...EMPTY };
  const faults = Object.fromEntries(t.counts.filter((c) => c.dim === 'fault' && c.resolved[i] > 0).map((c) => [c.key!, c.resolved[i]]));
  return {
    month,
    ...rules.workingDaysOf(cal, month, zone),
    totals: countsOf(all, i),
    byPriority: Object.fromEntries(['P1', 'P2', 'P3', 'P4'].map((p) => [p, byPriority[p]!])),
    byCategory: by('category'),
    response: { met: rMet, breached: rBr, pct: rules.percent(rMet, rMet + rBr) },
    resolution: { met: sMet, breached: sBr, pct: rules.percent(sMet, sMet + sBr) },
    mtta: { median: round(t.mtta.median[i]), p90: round(t.mtta.p90[i]) },
    mttr: { median: round(t.mttr.median[i]), p90: round(t.mttr.p90[i]) },
    extensions: ext ? { count: ext.count[i], breachedBefore: ext.breachedBefore[i] } : null,
    visits: visits
      ? {
          orders: visits.orders[i],
          arrived: visits.arrived[i],
          onTime: visits.onTime[i],
          onTimePct: rules.percent(visits.onTime[i], visits.arrived[i]),
          arrivedInTarget: visits.inTarget[i],
          arrivedInTargetPct: rules.percent(visits.inTarget[i], visits.arrived[i]),
          lateNotices: visits.lateNotices[i],
          lateNoticesInTime: visits.lateNoticesInTime[i],
          lateNoticesInTimePct: rules.percent(visits.lateNoticesInTime[i], visits.lateNotices[i]),
          noContact: visits.noContact[i],
          rated: visits.rated[i],
          avgRating: visits.rated[i] > 0 ? Math.round((visits.ratingSum[i] / visits.rated[i]) * 100) / 100 : null,
        }
      : null,
    patrols: {
      runs: patrols.runs[i],
      submitted: patrols.submitted[i],
      onTime: patrols.onTime[i],
      completionPct: rules.percent(patrols.onTime[i], patrols.runs[i]),
      abnormalItems: patrols.abnormalItems[i],
    },
    faultCategories: faults,
    changes: changeFigures(changes),
  };
}

/** Computes the review of `month` as of `now`, with the month before it for comparison. */
export async function computeReview(db: Db, config: Pick<Config, 'timezone' | 'reports' | 'calendars'>, month: string, now: Date): Promise<Review> {
  const zone = config.timezone;
  const cur = rules.monthRange(month, zone);
  const prevMonth = rules.previousMonth(month, zone);
  const prev = rules.monthRange(prevMonth, zone);
  const asOf = new Date(Math.min(now.getTime(), cur.to.getTime()));
  const w: q.ReviewWindow = { pf: prev.from, f: cur.from, t: cur.to, asOf, zone };
  const [hasExtensions, hasVisits] = await Promise.all([q.tableExists(db, 'sla_extensions'), q.tableExists(db, 'visit_orders')]);
  const [tickets, ext, visits, patrols, curChanges, prevChanges, changeList] = await Promise.all([
    q.ticketFigures(db, w, hasExtensions),
    hasExtensions ? q.extensionFigures(db, w) : Promise.resolve(null),
    hasVisits ? q.visitFigures(db, w) : Promise.resolve(null),
    q.patrolFigures(db, w),
    changeCounts({ db }, cur.from, cur.to),
    changeCounts({ db }, prev.from, prev.to),
    q.changeList(db, w),
  ]);
  const cal = rules.workCalendar(config);
  const current = monthFigures(month, 1, cal, zone, tickets, ext, visits, patrols, curChanges);
  const previous = monthFigures(prevMonth, 0, cal, zone, tickets, ext, visits, patrols, prevChanges);
  const openedByDay = new Map(tickets.daily.map((d) => [d.day, d.opened]));
  const weeks = new Map<string, { response?: [number, number]; resolution?: [number, number] }>();
  for (const wk of tickets.weekly) weeks.set(wk.week, { ...weeks.get(wk.week), [wk.target]: [wk.met, wk.breached] });
  const monthStart = DateTime.fromJSDate(cur.from, { zone }).toISODate()!;
  return {
    month,
    zone,
    computedAt: now.toISOString(),
    asOf: asOf.toISOString(),
    current,
    previous,
    breaches: tickets.breaches,
    extensionList: ext?.list ?? null,
    abnormalItems: patrols.abnormal,
    days: rules.datesOf(month, zone).map((date) => ({ date, opened: openedByDay.get(date) ?? 0, working: rules.isWorkingDay(cal, date), holiday: cal.holidays.has(date) })),
    weeks: [...weeks.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([week, v]) => ({
        week,
        // A week that began in the month before is labelled with the month's first day.
        label: (week < monthStart ? monthStart : week).slice(5),
        responsePct: v.response ? rules.percent(v.response[0], v.response[0] + v.response[1]) : null,
        resolutionPct: v.resolution ? rules.percent(v.resolution[0], v.resolution[0] + v.resolution[1]) : null,
      })),
    topFaults: Object.entries(current.faultCategories)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, 5)
      .map(([category, count]) => ({ category, count, change: count - (previous.faultCategories[category] ?? 0) })),
    changeList,
  };
}

/** One figure of the review, as the CSV export writes it. */
export interface FigureRow {
  section: string;
  metric: string;
  key: string;
  current: number | string | null;
  previous: number | string | null;
  change: number | null;
}

/** Every figure of a review as flat rows (the CSV, and what tests compare with the post). */
export function figureRows(review: Review): FigureRow[] {
  const out: FigureRow[] = [];
  const { current: c, previous: p } = review;
  const add = (section: string, metric: string, key: string, cur: number | null, prev: number | null) =>
    out.push({ section, metric, key, current: cur, previous: prev, change: rules.change(cur, prev) });
  add('calendar', 'working_days', '', c.workingDays, p.workingDays);
  for (const m of ['opened', 'resolved', 'openAtEnd', 'cancelled'] as const) add('tickets', m, 'all', c.totals[m], p.totals[m]);
  for (const pr of Object.keys(c.byPriority)) for (const m of ['opened', 'resolved', 'openAtEnd'] as const) add('tickets_by_priority', m, pr, c.byPriority[pr]![m], p.byPriority[pr]?.[m] ?? 0);
  const categories = [...new Set([...Object.keys(c.byCategory), ...Object.keys(p.byCategory)])].sort();
  for (const cat of categories) for (const m of ['opened', 'resolved', 'openAtEnd'] as const) add('tickets_by_category', m, cat, c.byCategory[cat]?.[m] ?? 0, p.byCategory[cat]?.[m] ?? 0);
  for (const target of ['response', 'resolution'] as const) {
    add('sla', `${target}_met`, '', c[target].met, p[target].met);
    add('sla', `${target}_breached`, '', c[target].breached, p[target].breached);
    add('sla', `${target}_compliance_pct`, '', c[target].pct, p[target].pct);
  }
  add('sla', 'mtta_median_min', '', c.mtta.median, p.mtta.median);
  add('sla', 'mtta_p90_min', '', c.mtta.p90, p.mtta.p90);
  add('sla', 'mttr_median_min', '', c.mttr.median, p.mttr.median);
  add('sla', 'mttr_p90_min', '', c.mttr.p90, p.mttr.p90);
  if (c.extensions && p.extensions) {
    add('sla', 'extensions', '', c.extensions.count, p.extensions.count);
    add('sla', 'extensions_after_breach', '', c.extensions.breachedBefore, p.extensions.breachedBefore);
  }
  if (c.visits && p.visits) {
    for (const m of ['orders', 'arrived', 'onTime', 'onTimePct', 'arrivedInTarget', 'arrivedInTargetPct', 'lateNotices', 'lateNoticesInTime', 'lateNoticesInTimePct', 'noContact', 'rated', 'avgRating'] as const) {
      add('visits', m, '', c.visits[m], p.visits[m]);
    }
  }
  for (const m of ['runs', 'submitted', 'onTime', 'completionPct', 'abnormalItems'] as const) add('patrols', m, '', c.patrols[m], p.patrols[m]);
  for (const m of ['total', 'done', 'rolledBack', 'rejected', 'cancelled', 'emergencies', 'overruns', 'successPct'] as const) add('changes', m, '', c.changes[m], p.changes[m]);
  review.topFaults.forEach((f, i) => add('top_fault_categories', `rank_${i + 1}`, f.category, f.count, p.faultCategories[f.category] ?? 0));
  // The lists the post shows, one row per fact: the worst breaches with their reason, and the
  // extensions agreed with the customer (a ticket extended twice gets keys OPS-1, OPS-1#2).
  const once = (section: string, metric: string, key: string, value: number | string | null) => out.push({ section, metric, key, current: value, previous: null, change: null });
  for (const b of review.breaches) {
    once('breaches', 'late_min', b.key, b.lateMinutes);
    once('breaches', 'still_open', b.key, b.resolvedAt ? 0 : 1);
    once('breaches', 'reason_kind', b.key, b.plan ? 'plan' : b.cause ? 'cause' : 'none');
    once('breaches', 'reason', b.key, b.plan ?? b.cause ?? '');
    once('breaches', 'extended_after_breach', b.key, b.extendedAfterBreach ? 1 : 0);
  }
  const seen = new Map<string, number>();
  for (const e of review.extensionList ?? []) {
    const n = (seen.get(e.key) ?? 0) + 1;
    seen.set(e.key, n);
    const key = n === 1 ? e.key : `${e.key}#${n}`;
    once('extensions', 'plan', key, e.plan);
    once('extensions', 'committed_at', key, new Date(e.committedAt).toISOString());
    once('extensions', 'consented_by', key, e.consentedBy);
    once('extensions', 'consent_method', key, e.consentMethod);
    once('extensions', 'after_breach', key, e.breachedBefore ? 1 : 0);
  }
  // Each change of the month with its window and outcome (its state when the review was computed).
  for (const ch of review.changeList) {
    once('change_list', 'window_start', ch.key, ch.windowStart);
    once('change_list', 'window_end', ch.key, ch.windowEnd);
    once('change_list', 'state', ch.key, ch.state);
    once('change_list', 'risk', ch.key, ch.risk);
    once('change_list', 'emergency', ch.key, ch.emergency ? 1 : 0);
    once('change_list', 'overran', ch.key, ch.overran ? 1 : 0);
  }
  for (const d of review.days) once('tickets_per_day', 'opened', d.date, d.opened);
  for (const w of review.weeks) {
    once('sla_per_week', 'response_compliance_pct', w.week, w.responsePct);
    once('sla_per_week', 'resolution_compliance_pct', w.week, w.resolutionPct);
  }
  return out;
}
