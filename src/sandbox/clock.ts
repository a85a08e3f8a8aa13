// Sandbox time: the wall clock plus an offset the Clock control moves forward. The app runs on it
// (it is the injected Clock), and a jump runs every scheduled slot that came due, in order, through
// the job runner's own slot claim — what node-cron and its run coordinator do on the system clock.
import { createTask, type ScheduledTask } from 'node-cron';
import type { JobArgs, JobHost } from '../jobs/registry.js';
import { claimSlot, runJob } from '../jobs/runner.js';
import type { Clock } from '../platform/clock.js';

const MINUTE = 60_000;

export class SandboxClock implements Clock {
  /** While slots run, "now" is the slot's minute. */
  private pinned: number | undefined;
  constructor(
    public offsetMs = 0,
    private readonly wall: () => number = Date.now,
  ) {}
  now(): Date {
    return new Date(this.pinned ?? this.wall() + this.offsetMs);
  }
  pin(at: Date | undefined): void {
    this.pinned = at?.getTime();
  }
}

interface Slot {
  job: string;
  args: JobArgs;
  task: ScheduledTask;
}

/**
 * Runs the jobs' slots as sandbox time passes. A slot of a job scheduled every minute (the sweeps and
 * watches, which catch up on whatever came due) runs at each step of a jump — every minute for a jump
 * of up to 15 minutes, then more coarsely so `+1 day` takes seconds, not minutes — and at its end;
 * every other slot (handovers, patrols, reviews, reports, auto-close) runs at its own minute.
 */
export class SlotRunner {
  private readonly slots: Slot[] = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: JobHost,
    private readonly clock: SandboxClock,
    /** The last minute whose slots ran. */
    public last: Date,
    /** After each minute's slots: deliver what they queued. */
    private readonly afterSlot: () => Promise<void>,
  ) {
    for (const [job, def] of Object.entries(host.jobs)) {
      for (const s of def.schedules(host.config)) {
        const task = createTask(s.cron, () => {}, { timezone: s.timezone ?? host.config.timezone, name: `sandbox:${job}:${JSON.stringify(s.args ?? {})}` });
        this.slots.push({ job, args: s.args ?? {}, task });
      }
    }
  }

  /** Runs the slots from the last run up to `to` (one run at a time). Returns the slots run. */
  runDue(to: Date): Promise<number> {
    const run = this.running.then(() => this.catchUp(to));
    this.running = run.then(() => undefined, () => undefined);
    return run;
  }

  private async catchUp(to: Date): Promise<number> {
    const end = Math.floor(to.getTime() / MINUTE) * MINUTE;
    const start = this.last.getTime() + MINUTE;
    const minutes = Math.max(0, (end - start) / MINUTE + 1);
    const step = minutes <= 15 ? 1 : Math.max(5, Math.ceil(minutes / 96));
    let ran = 0;
    try {
      for (let t = start, i = 0; t <= end; t += MINUTE, i++) {
        const at = new Date(t);
        const sweep = t === end || i % step === step - 1;
        const due = this.slots.filter((s) => (s.task.getPattern().trim() === '* * * * *' ? sweep : s.task.match(at)));
        if (due.length === 0) continue;
        this.clock.pin(at);
        for (const s of due) {
          if (await claimSlot(this.host, s.job, at, s.args)) {
            await runJob(this.host, s.job, at, 'schedule', s.args);
            ran++;
          }
        }
        await this.afterSlot();
      }
    } finally {
      this.clock.pin(undefined);
      this.last = new Date(Math.max(this.last.getTime(), end));
    }
    return ran;
  }

  async stop(): Promise<void> {
    await this.running;
    for (const s of this.slots) await s.task.destroy();
  }
}
