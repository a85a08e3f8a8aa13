import { and, eq, sql } from 'drizzle-orm';
import { userMessage } from '../platform/errors.js';
import { jobRuns } from './job-runs.table.js';
import type { JobArgs, JobCounts, JobDefinition, JobHost } from './registry.js';

export type JobOutcome =
  | { outcome: 'ok'; counts: JobCounts; runId: number }
  /** error: the translated sentence of a failure a person can fix (`fixable`), else the error's message. */
  | { outcome: 'failed'; error: string; fixable: boolean; runId: number }
  | { outcome: 'skipped' };

/** The job_runs key of a scheduled slot: job name, its arguments, and the slot instant. */
export const slotJobName = (job: string, args: JobArgs = {}) => (args.name ? `${job}:${args.name}` : job);

/**
 * Claims a scheduled slot: true for exactly one caller per (job, slot), whichever replica asks
 * first. The claim is the job_runs row itself.
 */
export async function claimSlot(services: JobHost, job: string, slot: Date, args: JobArgs = {}): Promise<boolean> {
  const inserted = await services.db
    .insert(jobRuns)
    .values({ job: slotJobName(job, args), slot, trigger: 'schedule', args: args.name ? { name: args.name } : null, startedAt: services.clock.now(), outcome: 'running' })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  return inserted.length > 0;
}

/**
 * Runs a job for a slot and records the run. A job that throws is recorded and logged with its slot,
 * never rethrown: the next slot simply runs again. Scheduled runs must have claimed the slot first.
 */
export async function runJob<S extends JobHost>(services: S, job: string, slot: Date, trigger: 'schedule' | 'manual', args: JobArgs = {}): Promise<JobOutcome> {
  const definition = services.jobs[job] as JobDefinition<S> | undefined;
  if (!definition) throw new Error(`unknown job ${job}`);
  const name = slotJobName(job, args);
  let runId: number;
  if (trigger === 'schedule') {
    const [row] = await services.db
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(and(eq(jobRuns.job, name), eq(jobRuns.slot, slot), eq(jobRuns.trigger, 'schedule'), eq(jobRuns.outcome, 'running')));
    if (!row) {
      services.metrics?.jobRuns.inc({ job, outcome: 'skipped' });
      return { outcome: 'skipped' };
    }
    runId = row.id;
  } else {
    const [row] = await services.db
      .insert(jobRuns)
      .values({ job: name, slot, trigger, args: args.name ? { name: args.name } : null, startedAt: services.clock.now(), outcome: 'running' })
      .returning({ id: jobRuns.id });
    runId = row!.id;
  }
  const started = performance.now();
  try {
    const counts = await definition.run({ services, at: slot, args });
    await services.db.update(jobRuns).set({ outcome: 'ok', counts, finishedAt: new Date() }).where(eq(jobRuns.id, runId));
    services.logger.info({ job, slot: slot.toISOString(), trigger, args, counts, ms: Math.round(performance.now() - started) }, 'job run');
    services.metrics?.jobRuns.inc({ job, outcome: 'ok' });
    return { outcome: 'ok', counts, runId };
  } catch (err) {
    // A failure a person can fix (a missing channel, an unknown name) is a sentence saying what to do,
    // logged as a warning without a stack; anything else is a bug, logged with its stack.
    const sentence = services.tr ? userMessage(err, services.tr) : undefined;
    const error = sentence ?? (err instanceof Error ? err.message : String(err));
    const ms = Math.round(performance.now() - started);
    if (sentence !== undefined) services.logger.warn({ job, slot: slot.toISOString(), trigger, args, error: sentence, ms }, 'job failed; it runs again at its next slot');
    else services.logger.error({ job, slot: slot.toISOString(), trigger, args, err, ms }, 'job failed; it runs again at its next slot');
    services.metrics?.jobRuns.inc({ job, outcome: 'failed' });
    await services.db
      .update(jobRuns)
      .set({ outcome: 'failed', error: error.slice(0, 2000), finishedAt: new Date() })
      .where(eq(jobRuns.id, runId))
      .catch(() => {});
    return { outcome: 'failed', error, fixable: sentence !== undefined, runId };
  }
}

/** Recent runs of a job, newest first (for operators and tests). */
export async function recentRuns(services: JobHost, job: string, limit = 20) {
  return services.db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(sql`${jobRuns.slot} desc`).limit(limit);
}
