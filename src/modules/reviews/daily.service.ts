// The daily work report (工作报告, SPEC §3.8): at the end of each working day a parent message in the
// review channel and one reply per engineer; engineers add a line of problems with a button.
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';
import { outbox } from '../../outbox/outbox.table.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import { slaState, type SlaState } from '../oncall/index.js';
import { SYSTEM_ACTOR } from '../tickets/index.js';
import { handledOn, openAssigned, openUnassigned } from './daily.sql.js';
import { isWorkingDay, workCalendar } from './reviews.rules.js';
import { tableExists } from './reviews.sql.js';
import { dailyReportNotes } from './reviews.table.js';

/** One engineer's day. */
export interface EngineerDay {
  user: string;
  opened: string[];
  taken: string[];
  resolved: string[];
  /** Visit orders completed; null when visit orders are not part of this install yet. */
  visits: string[] | null;
  open: { key: string; title: string; priority: string; state: string }[];
  blocked: { key: string; reason: 'waiting_customer' | 'breached' }[];
}

/** An open ticket nobody holds, with its SLA state at the report's time. */
export interface UnassignedTicket {
  key: string;
  title: string;
  priority: string;
  state: string;
  sla: SlaState;
}

export interface DailyReport {
  date: string;
  engineers: EngineerDay[];
  /** Open tickets without an assignee, most urgent first (the first few; `total` counts them all): nobody's report lists them otherwise. */
  unassigned: { list: UnassignedTicket[]; total: number };
}

/** How the report reaches Slack: implementations queue outbox rows in the given transaction. */
export interface DailyNotifier {
  report(tx: Db, report: DailyReport): Promise<void>;
  problems(tx: Db, date: string, user: string, text: string, noteId: number): Promise<void>;
}

export interface DailyDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  readonly notify: DailyNotifier;
  readonly queued: () => void;
}

export const PROBLEMS_MAX = 1000;

/** The outbox key of a day's parent message; the engineers' replies go in its thread. */
export const dailyMessageKey = (date: string) => `daily:${date}`;

/** What each engineer did on the local date of `at` (a listed engineer with nothing to show is left out). */
export async function dailyReport(deps: Pick<DailyDeps, 'db' | 'config'>, at: Date): Promise<DailyReport> {
  const { db, config } = deps;
  const day = DateTime.fromJSDate(at, { zone: config.timezone }).startOf('day');
  const withVisits = await tableExists(db, 'visit_orders');
  const [handled, open, unassigned] = await Promise.all([handledOn(db, day.toJSDate(), day.plus({ days: 1 }).toJSDate(), withVisits), openAssigned(db, at), openUnassigned(db)]);
  const users = new Set<string>([...handled.map((h) => h.user_id), ...open.map((o) => o.user_id)]);
  users.delete(SYSTEM_ACTOR);
  const engineers = [...users].sort().map((user): EngineerDay => {
    const mine = handled.filter((h) => h.user_id === user);
    const keys = (kind: string) => [...new Set(mine.filter((h) => h.kind === kind).map((h) => h.key))];
    const held = open.filter((o) => o.user_id === user);
    return {
      user,
      opened: keys('opened'),
      taken: keys('taken'),
      resolved: keys('resolved'),
      visits: withVisits ? keys('visit') : null,
      open: held.map((o) => ({ key: o.key, title: o.title, priority: o.priority, state: o.state })),
      blocked: held
        .filter((o) => o.state === 'waiting_customer' || o.response_breached || o.resolution_breached)
        .map((o) => ({ key: o.key, reason: o.state === 'waiting_customer' ? 'waiting_customer' : 'breached' })),
    };
  });
  return {
    date: day.toISODate()!,
    engineers,
    unassigned: { list: unassigned.list.map((t) => ({ key: t.key, title: t.title, priority: t.priority, state: t.state, sla: slaState(t, at) })), total: unassigned.total },
  };
}

/**
 * The `daily-report` job: posts the day's report once (dedupe keys per day and engineer). Skips a
 * day the reports calendar says is not a working day (weekends, holidays; make-up days count).
 */
export async function runDailyReport(deps: DailyDeps, at: Date): Promise<{ posted: number; engineers: number; skipped: number }> {
  const date = DateTime.fromJSDate(at, { zone: deps.config.timezone }).toISODate()!;
  if (!isWorkingDay(workCalendar(deps.config), date)) return { posted: 0, engineers: 0, skipped: 1 };
  if (!deps.config.channels.review) throw new DomainError('invalid', 'review.no_channel');
  const report = await dailyReport(deps, at);
  const queued = await deps.db.transaction(async (tx) => {
    const [already] = await tx.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.messageKey, dailyMessageKey(date)), eq(outbox.kind, 'post')));
    if (already) return false;
    await deps.notify.report(tx, report);
    return true;
  });
  if (queued) deps.queued();
  return { posted: queued ? 1 : 0, engineers: queued ? report.engineers.length : 0, skipped: 0 };
}

/**
 * Only the engineer themself may add problems to their report of `date` (the Add problems button
 * asks before the form opens); a refusal is audited and thrown.
 */
export async function checkProblemsAuthor(deps: Pick<DailyDeps, 'db' | 'clock'>, date: string, user: string, actor: string, now = deps.clock.now()): Promise<void> {
  if (actor === user) return;
  await audit(deps.db, { at: now, actor, action: 'daily.problems', subject: `daily:${date}:${user}`, outcome: 'refused' });
  throw new DomainError('refused', 'review.daily.not_yours', { user });
}

/**
 * Adds a line of problems to `user`'s report of `date`, as a reply in the day's thread. Only the
 * engineer themself may (refusals audited); `requestKey` (the modal's view id) stores it once.
 */
export async function addProblems(deps: DailyDeps, date: string, user: string, actor: string, text: string, requestKey: string): Promise<void> {
  const now = deps.clock.now();
  await checkProblemsAuthor(deps, date, user, actor, now);
  const clean = text.trim();
  if (!clean) throw new ValidationError({ problems: { key: 'error.required' } });
  if ([...clean].length > PROBLEMS_MAX) throw new ValidationError({ problems: { key: 'error.too_long', params: { max: PROBLEMS_MAX } } });
  const queued = await deps.db.transaction(async (tx) => {
    const [report] = await tx.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.messageKey, dailyMessageKey(date)), eq(outbox.kind, 'post')));
    if (!report) throw new DomainError('not_found', 'review.daily.no_report', { date });
    const [note] = await tx
      .insert(dailyReportNotes)
      .values({ reportDate: date, userId: user, text: clean, requestKey, createdAt: now })
      .onConflictDoNothing({ target: dailyReportNotes.requestKey })
      .returning({ id: dailyReportNotes.id });
    if (!note) return false;
    await deps.notify.problems(tx, date, user, clean, note.id);
    return true;
  });
  if (queued) deps.queued();
}
