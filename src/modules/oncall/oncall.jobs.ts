// The on-call jobs: `oncall-handover` at each handover time of each rotation, and `oncall-watch`
// every minute for what is due by the clock (shift reminders, unacknowledged handovers, P1 pages,
// and any handover whose cron slot was missed). Jobs take `at` as now.
import type { Config } from '../../config/config.js';
import { openHandovers, remindUnacknowledged } from './handover.service.js';
import type { OncallDeps } from './oncall.deps.js';
import { rotationsOf, shiftOf, shiftsStartingIn } from './oncall.rules.js';
import { overridesFor } from './oncall.service.js';
import { advancePages } from './paging.service.js';

/** One cron per handover time per rotation, in the rotation's own zone (the watch job catches up missed ones). */
export function handoverSchedules(config: Config): { cron: string; args: { name: string }; timezone: string }[] {
  return rotationsOf(config).flatMap((r) =>
    r.handover.map((minutes) => ({ cron: `${minutes % 60} ${Math.floor(minutes / 60)} * * *`, args: { name: r.name }, timezone: r.zone })),
  );
}

/** Reminders to the engineers of shifts starting within `reminder_before`: once per shift and person (dedupe key). */
export async function sendShiftReminders(deps: OncallDeps, now: Date): Promise<number> {
  let sent = 0;
  for (const r of deps.rotations) {
    const until = new Date(now.getTime() + r.reminderBeforeMinutes * 60_000);
    const overrides = await overridesFor(deps.db, r, now, until);
    for (const incoming of shiftsStartingIn(r, now, until, overrides)) {
      const outgoing = incoming.index > 0 ? shiftOf(r, incoming.index - 1, overrides) : undefined;
      if (outgoing?.user === incoming.user) continue; // the same person carries on: nothing to hand over
      sent += await deps.db.transaction((tx) => deps.notify.shiftReminder(tx, now, r, incoming, outgoing));
    }
  }
  if (sent > 0) deps.queued();
  return sent;
}

/** Everything the minute job does; the counts go to job_runs. */
export async function watchOncall(deps: OncallDeps, now: Date): Promise<Record<string, number>> {
  const opened = await openHandovers(deps, now);
  const reminders = await sendShiftReminders(deps, now);
  const acks = await remindUnacknowledged(deps, now);
  const pages = await advancePages(deps, now);
  return {
    handovers_opened: opened.opened,
    shift_reminders: reminders,
    ack_reminders: acks.reminded,
    ack_escalations: acks.escalated,
    pages_escalated: pages.escalated,
    pages_answered: pages.answered,
    pages_exhausted: pages.exhausted,
  };
}
