// What a scheduled job is. The table of jobs by name is built in the composition root (src/services.ts)
// from the modules' job functions; the scheduler, `npm run opsdesk -- job <name> --at <ISO>` and the
// tests all run them through the runner, which knows no module.
import type { Config } from '../config/config.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import type { Translate } from '../platform/i18n.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';

export interface JobContext<S> {
  /** What the job's functions need: the composition root's deps. */
  services: S;
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

export interface JobDefinition<S> {
  description: string;
  /** When the scheduler fires it: node-cron expressions in `config.timezone`, with their arguments. */
  schedules(config: Config): { cron: string; args?: JobArgs; timezone?: string }[];
  run(ctx: JobContext<S>): Promise<JobCounts>;
}

/** What the runner and the scheduler need: the store, the clock, the log, and the jobs by name. */
export interface JobHost {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: Config;
  jobs: Record<string, JobDefinition<never>>;
  /** Job runs by job and outcome, for /metrics (absent in the command line). */
  metrics?: Pick<Metrics, 'jobRuns'>;
  /** The workspace language: a job's failure a person can fix is recorded and shown as its sentence. */
  tr?: Translate;
}
