// change-watch (every minute): the implementer's reminder before the window, a nudge when the window
// opened and work has not started, an overrun escalation when work goes on past the window, and an
// escalation when an emergency change is not approved in time. Each (change, stage) is recorded once
// under a unique key in change_notices, under the change's row lock: a second run for the same slot,
// another replica or a re-run with --at records nothing and posts nothing.
import { dueWatchStages, type WatchStage } from './changes.rules.js';
import { changeView } from './changes.queries.js';
import * as store from './changes.store.js';
import { SYSTEM_ACTOR, type ChangeDeps } from './changes.transition.js';

export type ChangeWatchCounts = Record<'reminders' | 'nudges' | 'overruns' | 'emergencies', number>;

const COUNTER: Record<WatchStage, keyof ChangeWatchCounts> = { reminder: 'reminders', nudge: 'nudges', overrun: 'overruns', emergency_overdue: 'emergencies' };

/** Runs change-watch as of `at`; returns what it posted. `batch` bounds each query (tests lower it). */
export async function watchChanges(deps: ChangeDeps, at: Date, batch = 200): Promise<ChangeWatchCounts> {
  const counts: ChangeWatchCounts = { reminders: 0, nudges: 0, overruns: 0, emergencies: 0 };
  const { remind_before, emergency_approval } = deps.config.changes;
  // Handled changes drop out of the query, so each round brings new ones until none is left.
  for (;;) {
    const candidates = await store.listWatchCandidates(deps.db, at, remind_before, emergency_approval, batch);
    let fresh = 0;
    for (const candidate of candidates) fresh += await watchOne(deps, candidate.id, at, counts);
    if (candidates.length < batch || fresh === 0) break;
  }
  if (Object.values(counts).some((n) => n > 0)) deps.queued();
  return counts;
}

async function watchOne(deps: ChangeDeps, id: number, at: Date, counts: ChangeWatchCounts): Promise<number> {
  const { remind_before, emergency_approval } = deps.config.changes;
  return deps.db.transaction(async (tx) => {
    const c = await store.lockChange(tx, id);
    if (!c) return 0;
    let fresh = 0;
    for (const stage of dueWatchStages(c, at, remind_before, emergency_approval)) {
      if (!(await store.recordNotice(tx, c.id, stage, at))) continue;
      await store.insertEvent(tx, { changeId: c.id, at, actor: SYSTEM_ACTOR, kind: stage, fromState: c.state, toState: c.state });
      const view = (await changeView(deps, c.id, tx))!;
      await deps.notify.watch(tx, view, stage, at);
      counts[COUNTER[stage]]++;
      fresh++;
    }
    return fresh;
  });
}
