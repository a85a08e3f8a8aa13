// The scheduled jobs by name. The scheduler, `npm run opsdesk -- job <name> --at <ISO>` and tests
// all run them through here; each module adds its own to JOBS.
import type { Config } from '../config/config.js';
import { autoCloseResolved } from '../modules/tickets/tickets.service.js';
import { sweep } from '../modules/sla/sla.service.js';
import { openHandovers } from '../modules/oncall/handover.service.js';
import { handoverSchedules, watchOncall } from '../modules/oncall/oncall.jobs.js';
import { watchVisits } from '../modules/visits/visits.watch.js';
import { sweepVisitOrders } from '../modules/visits/visits.sla.js';
import { runPatrolJob, watchPatrols } from '../modules/patrols/patrols.service.js';
import { retryCharts, runMonthlyReview } from '../modules/reviews/reviews.service.js';
import { runDailyReport } from '../modules/reviews/daily.service.js';
import type { Services } from '../services.js';

export interface JobContext {
  services: Services;
  /** The slot the run is for: `--at`, or the scheduler's fire time. */
  at: Date;
  /** Extra arguments, e.g. the patrol checklist `--name`. */
  args: JobArgs;
}

export interface JobArgs {
  name?: string;
}

/** What a run did, for job_runs, the log and the CLI's output. */
export type JobCounts = Record<string, number>;

export interface JobDefinition {
  description: string;
  /** When the scheduler fires it: node-cron expressions in `config.timezone`, with their arguments. */
  schedules(config: Config): { cron: string; args?: JobArgs; timezone?: string }[];
  run(ctx: JobContext): Promise<JobCounts>;
}

export const JOBS: Record<string, JobDefinition> = {
  'sla-sweep': {
    description: 'post SLA warnings (75 %) and breaches (100 %) of tickets, then of visit orders (accept, arrival), each stage once ever',
    schedules: () => [{ cron: '* * * * *' }],
    run: async ({ services, at }) => ({ ...(await sweep(services.sla, at)), ...(await sweepVisitOrders(services.visits, at)) }),
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
