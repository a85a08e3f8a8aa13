// The SLA sweep of visit orders (SPEC §3.5), run by the `sla-sweep` job after the tickets' sweep:
// the `accept` and `arrival` targets at 75 % (warning) and 100 % (breach), each (order, target,
// stage) once ever — the unique key of visit_sla_alerts, recorded in the transaction that queues
// the messages (which carry unique dedupe keys too).
import { sweepStages, type StageSweep } from '../sla/index.js';
import { dueVisitStages, markVisitPosted, nextVisitCheckAt, type VisitSlaTarget } from './visits.sla.rules.js';
import { lockOrdersDue, recordVisitAlerts, type VisitOrderView } from './visits.store.js';
import type { VisitDeps } from './visits.service.js';

export interface VisitSweepCounts {
  visit_checked: number;
  visit_warnings: number;
  visit_breaches: number;
}

/**
 * One sweep as of `now`: every order whose next stage has come gets its due stages recorded and
 * announced, each (order, target, stage) once ever (see sla/stage-sweep.ts).
 */
export async function sweepVisitOrders(deps: VisitDeps, now: Date, batch = 500): Promise<VisitSweepCounts> {
  const counts = await sweepStages(deps.db, orderStages(deps), now, () => deps.clock.now(), batch);
  if (counts.warnings + counts.breaches > 0) deps.queued();
  return { visit_checked: counts.checked, visit_warnings: counts.warnings, visit_breaches: counts.breaches };
}

/** The orders' part of the sweep: the accept and arrival targets, their alerts table, their messages. */
function orderStages(deps: VisitDeps): StageSweep<VisitOrderView, VisitSlaTarget> {
  const timeout = deps.config.visits.accept_timeout;
  return {
    table: 'visit_orders',
    lockDue: lockOrdersDue,
    dueStages: (o, now) => dueVisitStages(o, now, timeout),
    markPosted: markVisitPosted,
    nextCheckAt: (o) => nextVisitCheckAt(o, timeout),
    record: async (tx, stages) =>
      (await recordVisitAlerts(tx, stages.map(({ id, stage: s, postedAt }) => ({ orderId: id, target: s.target, stage: s.stage, dueAt: s.dueAt, stageAt: s.at, postedAt })))).map(
        ({ orderId, ...a }) => ({ id: orderId, ...a }),
      ),
    messages: (order, s, now) => deps.notify.slaMessages({ order, target: s.target, stage: s.stage, dueAt: s.dueAt, now }),
  };
}
