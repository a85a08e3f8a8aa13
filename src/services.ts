// Composition root, part one: every module's deps, built once, in module order, as plain immutable
// objects, with the events that lower modules emit wired to the higher modules that subscribe
// (a new ticket → the P1 urgent path and the on-call page; a ticket change → the visit-order guard).
// The app (app.ts), the CLI (cli/) and the scheduler all start from `buildServices`.
import type { Config } from './config/config.js';
import type { JobDefinition } from './jobs/registry.js';
import type { PostedHook } from './outbox/worker.js';
import type { Clock } from './platform/clock.js';
import type { Db } from './platform/db.js';
import { translator, type Translate } from './platform/i18n.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { buildCalendars } from './modules/sla/index.js';
import { autoCloseResolved, slackSlaNotifier, slackTicketNotifier, sweepTickets, ticketPostedHook, urgentHook, type SlaDeps, type TicketDeps } from './modules/tickets/index.js';
import { slackVisitNotifier, sweepVisitOrders, visitOrderGuard, visitPostedHook, watchVisits, type VisitDeps } from './modules/visits/index.js';
import { runPatrolJob, slackPatrolNotifier, watchPatrols, type PatrolDeps } from './modules/patrols/index.js';
import { handoverSchedules, openHandovers, pageOnCallHook, rotationsOf, slackOncallNotifier, watchOncall, type OncallDeps } from './modules/oncall/index.js';
import { computePendingHints, hintAfterCommit, kbPostedHook, pendingHintHook, slackKbNotifier, type KbDeps } from './modules/kb/index.js';
import { changePostedHook, slackChangeNotifier, watchChanges, type ChangeDeps } from './modules/changes/index.js';
import { slackAlertNotifier, type AlertDeps } from './modules/alerts/index.js';
import { retryCharts, runDailyReport, runMonthlyReview, slackDailyNotifier, slackReviewPresenter, type DailyDeps, type FileUploader, type ReviewDeps } from './modules/reviews/index.js';

export interface Services {
  readonly db: Db;
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Prometheus metrics of this process (GET /metrics). */
  readonly metrics: Metrics;
  /** The workspace language, for channel messages. */
  readonly tr: Translate;
  /** Wakes the outbox worker after a commit that queued messages. */
  readonly queued: () => void;
  readonly tickets: TicketDeps;
  readonly sla: SlaDeps;
  readonly oncall: OncallDeps;
  readonly visits: VisitDeps;
  readonly patrols: PatrolDeps;
  readonly changes: ChangeDeps;
  readonly kb: KbDeps;
  readonly alerts: AlertDeps;
  readonly reviews: ReviewDeps;
  readonly daily: DailyDeps;
  /** The scheduled jobs by name (JOBS). */
  readonly jobs: Record<string, JobDefinition<Services>>;
}

/** Every module's hook that keeps a delivered message's ts on its own rows (the app's and the CLI's worker). */
export const POSTED_HOOKS: readonly PostedHook[] = [ticketPostedHook, visitPostedHook, changePostedHook, kbPostedHook];

export function buildServices(opts: { db: Db; config: Config; clock: Clock; logger: Logger; queued: () => void; files?: FileUploader; metrics?: Metrics }): Services {
  const { db, config, clock, logger, queued } = opts;
  const metrics = opts.metrics ?? createMetrics({ defaultMetrics: false });
  const tr = translator(config.locale);
  const slaNotify = slackSlaNotifier(config, clock, tr);
  const oncallNotify = slackOncallNotifier(config, tr);
  const rotations = rotationsOf(config);
  // The knowledge base needs nothing of tickets' deps; tickets' events below call into it.
  const kb: KbDeps = Object.freeze({ db, clock, config, logger, notify: slackKbNotifier(clock, tr), queued });
  const tickets: TicketDeps = Object.freeze({
    db,
    clock,
    config,
    calendars: buildCalendars(config.calendars, config.timezone),
    notify: slackTicketNotifier(clock, tr),
    queued,
    // A new ticket: the P1 urgent path (escalation channel, supervisors), then the on-call page.
    // …and a pending similar-articles hint, which the after-commit listener computes (never in the ack path).
    onCreated: [urgentHook(slaNotify), pageOnCallHook({ config, rotations, notify: oncallNotify }), pendingHintHook],
    afterCreated: [hintAfterCommit(kb)],
    // A ticket with a visit order under way cannot be resolved until the order is archived or cancelled.
    guards: [visitOrderGuard],
  });
  const sla: SlaDeps = Object.freeze({ tickets, notify: slaNotify });
  const visits: VisitDeps = Object.freeze({ db, clock, config, notify: slackVisitNotifier(clock, config, tr), queued });
  const patrols: PatrolDeps = Object.freeze({ db, clock, config, tr, tickets, notify: slackPatrolNotifier(clock, config, tr), queued });
  const changes: ChangeDeps = Object.freeze({ db, clock, config, tr, tickets, notify: slackChangeNotifier(clock, config, tr, tickets), queued });
  // Tickets from monitoring open tickets through tickets' deps: the same onCreated hooks (P1 urgent path, on-call page).
  const alerts: AlertDeps = Object.freeze({ db, clock, config, tr, tickets, notify: slackAlertNotifier(clock, tr), queued });
  const oncall: OncallDeps = Object.freeze({ db, clock, config, rotations, notify: oncallNotify, tickets, changes, queued });
  // The review's chart goes through the files upload API (opts.files); without it charts wait for the app.
  const reviews: ReviewDeps = Object.freeze({ db, clock, config, logger, tr, present: slackReviewPresenter(tr), files: opts.files, queued });
  const daily: DailyDeps = Object.freeze({ db, clock, config, notify: slackDailyNotifier(clock, () => config.channels.review, tr), queued });
  return Object.freeze({ db, config, clock, logger, metrics, tr, queued, tickets, sla, oncall, visits, patrols, kb, changes, alerts, reviews, daily, jobs: JOBS });
}

/** The scheduled jobs by name: the scheduler, `npm run opsdesk -- job <name>` and the tests run them. */
export const JOBS: Record<string, JobDefinition<Services>> = {
  'sla-sweep': {
    description: 'post SLA warnings (75 %) and breaches (100 %) of tickets, then of visit orders (accept, arrival), each stage once ever',
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => ({ ...(await sweepTickets(services.sla, at)), ...(await sweepVisitOrders(services.visits, at)) }),
  },
  'oncall-handover': {
    description: 'open the handover thread of each rotation at its handover time (--name <rotation> for one)',
    schedules: (config) => handoverSchedules(config),
    run: async ({ services, at, args }) => ({ ...(await openHandovers(services.oncall, at, args.name)) }),
  },
  'oncall-watch': {
    description: 'shift reminders, unacknowledged handovers (reminder, escalation), P1 pages down the line, missed handovers',
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => watchOncall(services.oncall, at),
  },
  'kb-hints': {
    description: "similar articles for new tickets whose hint was not computed after their commit (the process stopped first)",
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => computePendingHints(services.kb, at),
  },
  'ticket-autoclose': {
    description: 'close resolved tickets after tickets.auto_close_after without objection',
    schedules: () => [{ cron: '7 * * * *' }],
    run: async ({ services, at }) => ({ closed: await autoCloseResolved(services.tickets, at) }),
  },
  'visit-watch': {
    description: 'visit orders: re-announce then escalate orders nobody accepted in visits.accept_timeout; flag agreed starts passed with no arrival and no notice (each once)',
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => watchVisits(services.visits, at),
  },
  patrol: {
    description: 'post the run of a patrol checklist for its slot (--name <checklist>; without it, every checklist whose schedule fires at --at)',
    schedules: (config) => config.patrols.map((p) => ({ cron: p.schedule, args: { name: p.name } })),
    run: async ({ services, at, args }) => runPatrolJob(services.patrols, at, args.name),
  },
  'patrol-watch': {
    description: 'patrol runs not submitted: a reminder at the deadline, an escalation after escalate_after (each once); finish interrupted submits',
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => watchPatrols(services.patrols, at),
  },
  'change-watch': {
    description: 'change requests: reminder before the window, nudge when not started, overrun escalation, emergency changes not approved in time (each once per change)',
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => watchChanges(services.changes, at),
  },
  'monthly-review': {
    description: "post last month's review with its chart to channels.review (once per month)",
    schedules: (config) => [{ cron: config.review.schedule }],
    run: async ({ services, at }) => runMonthlyReview(services.reviews, at),
  },
  'review-charts': {
    description: 'upload review charts that could not be uploaded with their post (Slack away, or posted without a token)',
    schedules: () => [{ cron: '*/10 * * * *' }],
    run: async ({ services }) => ({ charts: await retryCharts(services.reviews) }),
  },
  'daily-report': {
    description: 'post the daily work report per engineer in the review channel (working days of reports.calendar)',
    schedules: (config) => [{ cron: config.reports.daily_schedule }],
    run: async ({ services, at }) => runDailyReport(services.daily, at),
  },
};

/** Names the SPEC reserves for jobs that later capabilities add; asking for one says so. */
export const PLANNED_JOBS: string[] = [];
