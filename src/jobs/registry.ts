// The scheduled jobs by name. The scheduler, `npm run opsdesk -- job <name> --at <ISO>` and tests
// all run them through here; each module adds its own to JOBS.
import type { Config } from '../config/config.js';
import { autoCloseResolved } from '../modules/tickets/tickets.service.js';
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
  schedules(config: Config): { cron: string; args?: JobArgs }[];
  run(ctx: JobContext): Promise<JobCounts>;
}

export const JOBS: Record<string, JobDefinition> = {
  'ticket-autoclose': {
    description: 'close resolved tickets after tickets.auto_close_after without objection',
    schedules: () => [{ cron: '7 * * * *' }],
    run: async ({ services, at }) => ({ closed: await autoCloseResolved(services.tickets, at) }),
  },
};

/** Names the SPEC reserves for jobs that later capabilities add; asking for one says so. */
export const PLANNED_JOBS = ['sla-sweep', 'oncall-handover', 'patrol', 'monthly-review', 'daily-report', 'visit-watch'];
