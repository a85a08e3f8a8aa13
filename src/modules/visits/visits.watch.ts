// visit-watch (every minute): re-announces orders nobody accepted within visits.accept_timeout, then
// escalates them to the dispatcher; flags orders whose agreed start passed with no arrival and no
// notice. "Once" is the outbox's unique dedupeKey, not timing: a second run for the same or an older
// slot queues nothing and records nothing.
import * as store from './visits.store.js';
import { acceptDeadlines, missedNotice } from './visits.rules.js';
import { SYSTEM_ACTOR, type VisitDeps } from './visits.service.js';

const BATCH = 200;

/** Runs visit-watch as of `at`; returns what it queued. */
export async function watchVisits(deps: VisitDeps, at: Date): Promise<{ reannounced: number; escalated: number; missed: number }> {
  const { db, config } = deps;
  const timeout = config.visits.accept_timeout;
  const counts = { reannounced: 0, escalated: 0, missed: 0 };

  const unaccepted = await store.listUnacceptedSince(db, new Date(at.getTime() - timeout * 60_000), BATCH);
  for (const candidate of unaccepted) {
    const { escalateAt } = acceptDeadlines(candidate.createdAt, timeout);
    await db.transaction(async (tx) => {
      const o = await store.lockVisitOrder(tx, candidate.id);
      if (!o || o.state !== 'open') return; // accepted meanwhile
      const order = (await store.getVisitOrder(tx, o.id))!;
      if (!(await store.hasEvent(tx, o.id, 'reannounced'))) {
        if ((await deps.notify.reannounced(tx, order)) > 0) {
          await store.insertVisitEvent(tx, { orderId: o.id, at, actor: SYSTEM_ACTOR, kind: 'reannounced', fromState: 'open', toState: 'open' });
          counts.reannounced++;
        }
        return; // escalation comes at a later run: re-announce first, then escalate
      }
      if (at.getTime() < escalateAt.getTime() || (await store.hasEvent(tx, o.id, 'escalated'))) return;
      const waited = Math.floor((at.getTime() - o.createdAt.getTime()) / 60_000);
      if ((await deps.notify.escalated(tx, order, waited)) > 0) {
        await store.insertVisitEvent(tx, { orderId: o.id, at, actor: SYSTEM_ACTOR, kind: 'escalated', fromState: 'open', toState: 'open', data: { waitedMinutes: waited } });
        counts.escalated++;
      }
    });
  }

  for (const candidate of await store.listScheduledStartedBefore(db, at, BATCH)) {
    await db.transaction(async (tx) => {
      const o = await store.lockVisitOrder(tx, candidate.id);
      if (!o || !missedNotice(o.state, o.windowStart, at)) return; // arrived or gave notice meanwhile
      const order = (await store.getVisitOrder(tx, o.id))!;
      if ((await deps.notify.missedNotice(tx, order)) === 0) return; // flagged before for this window
      await store.updateVisitOrder(tx, o.id, { missedNotices: o.missedNotices + 1 }, false);
      await store.insertVisitEvent(tx, { orderId: o.id, at, actor: SYSTEM_ACTOR, kind: 'missed_notice', fromState: o.state, toState: o.state, data: { windowStart: o.windowStart!.toISOString() } });
      counts.missed++;
    });
  }

  if (counts.reannounced + counts.escalated + counts.missed > 0) deps.queued();
  return counts;
}
