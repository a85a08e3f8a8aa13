// The SLA sweep of visit orders (SPEC §3.5), run by the `sla-sweep` job after the tickets' sweep:
// the `accept` and `arrival` targets at 75 % (warning) and 100 % (breach), each (order, target,
// stage) once ever — the unique key of visit_sla_alerts, recorded in the transaction that queues
// the messages (which carry unique dedupe keys too).
import { enqueue, type OutboxMessage } from '../../outbox/outbox.js';
import type { visitSlaAlerts } from './visits.table.js';
import { dueVisitStages, markVisitPosted, nextVisitCheckAt } from './visits.sla.rules.js';
import { lockOrdersDue, recordVisitAlerts, setVisitNextChecks } from './visits.store.js';
import type { VisitDeps } from './visits.service.js';

export interface VisitSweepCounts {
  visit_checked: number;
  visit_warnings: number;
  visit_breaches: number;
}

/**
 * One sweep as of `now`: every order whose next stage has come gets its due stages recorded and
 * announced. A batch is a handful of statements whatever its size: lock the due orders, insert the
 * alerts (the unique key drops stages already posted), queue the messages, move next_check_at.
 */
export async function sweepVisitOrders(deps: VisitDeps, now: Date, batch = 500): Promise<VisitSweepCounts> {
  const counts: VisitSweepCounts = { visit_checked: 0, visit_warnings: 0, visit_breaches: 0 };
  const timeout = deps.config.visits.accept_timeout;
  for (;;) {
    const done = await deps.db.transaction(async (tx) => {
      const due = await lockOrdersDue(tx, now, batch);
      if (due.length === 0) return true;
      counts.visit_checked += due.length;
      const candidates: (typeof visitSlaAlerts.$inferInsert)[] = [];
      const next: { id: number; posted: number; nextCheckAt: Date | null }[] = [];
      for (const o of due) {
        let posted = o.slaPosted;
        for (const s of dueVisitStages(o, now, timeout)) {
          posted = markVisitPosted(posted, s.target, s.stage);
          candidates.push({ orderId: o.id, target: s.target, stage: s.stage, dueAt: s.dueAt, stageAt: s.at, postedAt: now });
        }
        // The next look follows from what was posted, never from `now`: re-running an old slot
        // cannot move it backwards.
        next.push({ id: o.id, posted, nextCheckAt: nextVisitCheckAt({ ...o, slaPosted: posted }, timeout) });
      }
      const fresh = await recordVisitAlerts(tx, candidates);
      const byId = new Map(due.map((o) => [o.id, o]));
      const messages: OutboxMessage[] = [];
      for (const a of fresh) {
        messages.push(...deps.notify.slaMessages({ order: byId.get(a.orderId)!, target: a.target, stage: a.stage, dueAt: a.dueAt, now }));
        if (a.stage === 'warning') counts.visit_warnings++;
        else counts.visit_breaches++;
      }
      await enqueue(tx, deps.clock.now(), messages);
      await setVisitNextChecks(tx, next);
      return due.length < batch;
    });
    if (done) break;
  }
  if (counts.visit_warnings + counts.visit_breaches > 0) deps.queued();
  return counts;
}
