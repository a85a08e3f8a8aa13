import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { JobArgs, JobHost } from './registry.js';
import { claimSlot, runJob } from './runner.js';

/**
 * node-cron's run coordinator on Postgres: a slot runs where its job_runs row was inserted. The key
 * node-cron passes is "<task name>:<slot ISO>"; our task names are "<job>|<json args>".
 */
export function postgresRunCoordinator(services: JobHost): RunCoordinator {
  return {
    async shouldRun(key: string) {
      // The slot is an ISO instant of fixed length at the end of the key.
      const slot = new Date(key.slice(-24));
      const taskName = key.slice(0, -25);
      const bar = taskName.indexOf('|');
      const args = JSON.parse(taskName.slice(bar + 1)) as JobArgs;
      return claimSlot(services, taskName.slice(0, bar), slot, args);
    },
  };
}

export interface Scheduler {
  tasks: ScheduledTask[];
  stop(): Promise<void>;
}

/** Schedules every job of the registry in the configured zone, each slot once across replicas. */
export function startScheduler(services: JobHost, opts: { only?: string[] } = {}): Scheduler {
  const coordinator = postgresRunCoordinator(services);
  // The process-wide default too, for any task scheduled without its own coordinator.
  cron.setRunCoordinator(coordinator);
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  for (const [job, definition] of Object.entries(services.jobs)) {
    if (opts.only && !opts.only.includes(job)) continue;
    for (const { cron: expression, args = {}, timezone } of definition.schedules(services.config)) {
      const task = cron.schedule(
        expression,
        async (ctx) => {
          const run = runJob(services, job, ctx.date, 'schedule', args);
          running.add(run);
          await run.finally(() => running.delete(run));
        },
        { name: `${job}|${JSON.stringify(args)}`, timezone: timezone ?? services.config.timezone, distributed: true, runCoordinator: coordinator, noOverlap: true },
      );
      tasks.push(task);
    }
  }
  return {
    tasks,
    async stop() {
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...running]);
    },
  };
}
