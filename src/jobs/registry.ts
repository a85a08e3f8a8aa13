// The scheduled jobs by name. `npm run opsdesk -- job <name> --at <ISO>` and the scheduler both run
// them through here; later modules add theirs to JOBS.
import type { Config } from '../config/config.js';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { autoCloseResolved, type TicketDeps } from '../modules/tickets/tickets.service.js';

export interface JobContext {
  db: Db;
  config: Config;
  logger: Logger;
  tickets: TicketDeps;
  /** The slot the run is for: `--at`, or the scheduler's fire time. */
  at: Date;
  /** Extra arguments, e.g. the patrol checklist `--name`. */
  args: { name?: string };
}

/** What a run did, for the job log and the CLI's output. */
export type JobCounts = Record<string, number>;

export interface JobDefinition {
  description: string;
  run(ctx: JobContext): Promise<JobCounts>;
}

export const JOBS: Record<string, JobDefinition> = {
  'ticket-autoclose': {
    description: 'close resolved tickets after tickets.auto_close_after without objection',
    run: async (ctx) => ({ closed: await autoCloseResolved(ctx.tickets, ctx.at) }),
  },
};

/** Names the SPEC reserves for jobs that later capabilities add; asking for one says so. */
export const PLANNED_JOBS = ['sla-sweep', 'oncall-handover', 'patrol', 'monthly-review', 'daily-report', 'visit-watch'];
