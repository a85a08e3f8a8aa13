// visit-watch (every minute): re-announces orders nobody accepted within visits.accept_timeout, then
// escalates them to the dispatcher; flags orders whose agreed start passed with no arrival and no
// notice. "Once" is an event row checked under the order's row lock, backed by the outbox's unique
// dedupeKey: a second run for the same or an older slot queues nothing and records nothing.
// The SLA sweep (visits.sla.ts) posts the 75 %/100 % stages of the same clocks; the README's
// "Visit orders" section says which of the two says what, so nothing is said twice at once.
import * as store from './visits.store.js';
import { acceptDeadlines, missedNotice } from './visits.rules.js';
import { SYSTEM_ACTOR, type VisitDeps } from './visits.service.js';

const BATCH = 200;

/** Runs visit-watch as of `at`; returns what it queued. `batch` bounds each query (tests lower it). */
export async function watchVisits(deps: VisitDeps, at: Date, batch = BATCH): Promise<{ reannounced: number; escalated: number; missed: number }> {
  const counts = { reannounced: 0, escalated: 0, missed: 0 };
  // Handled orders drop out of the queries, so each round brings new ones until none is left.
  for (;;) {
    const before = counts.reannounced + counts.escalated;
    const unaccepted = await store.listUnacceptedSince(deps.db, at, deps.config.visits.accept_timeout, batch);
    for (const candidate of unaccepted) await watchUnaccepted(deps, candidate.id, at, counts);
    if (unaccepted.length < batch || counts.reannounced + counts.escalated === before) break;
  }
  for (;;) {
    const before = counts.missed;
    const started = await store.listScheduledStartedBefore(deps.db, at, batch);
    for (const candidate of started) await watchMissedNotice(deps, candidate.id, at, counts);
    if (started.length < batch || counts.missed === before) break;
  }
  if (counts.reannounced + counts.escalated + counts.missed > 0) deps.queued();
  return counts;
}

/** Re-announce first; escalate at a later run, once twice the timeout has passed. */
async function watchUnaccepted(deps: VisitDeps, orderId: number, at: Date, counts: { reannounced: number; escalated: number }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const o = await store.lockVisitOrder(tx, orderId);
    if (!o || o.state !== 'open') return; // accepted meanwhile
    const { escalateAt } = acceptDeadlines(o.createdAt, deps.config.visits.accept_timeout);
    const order = (await store.getVisitOrder(tx, o.id))!;
    // An order without a dispatch message has nothing to re-announce: it goes straight to escalation.
    if (o.slackChannel && !(await store.hasEvent(tx, o.id, 'reannounced'))) {
      if ((await deps.notify.reannounced(tx, order)) > 0) {
        await store.insertVisitEvent(tx, { orderId: o.id, at, actor: SYSTEM_ACTOR, kind: 'reannounced', fromState: 'open', toState: 'open' });
        counts.reannounced++;
      }
      return;
    }
    if (at.getTime() < escalateAt.getTime() || (await store.hasEvent(tx, o.id, 'escalated'))) return;
    const waited = Math.floor((at.getTime() - o.createdAt.getTime()) / 60_000);
    if ((await deps.notify.escalated(tx, order, waited)) > 0) {
      await store.insertVisitEvent(tx, { orderId: o.id, at, actor: SYSTEM_ACTOR, kind: 'escalated', fromState: 'open', toState: 'open', data: { waitedMinutes: waited } });
      counts.escalated++;
    }
  });
}

/**
 * Flags an agreed start that passed with no arrival and no notice, once per agreed window. When the
 * SLA sweep already posted the arrival breach of this very window (which says "no arrival and no
 * late notice"), the escalation channel is not told again: the flag is counted and the order's
 * thread hears it.
 */
async function watchMissedNotice(deps: VisitDeps, orderId: number, at: Date, counts: { missed: number }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const o = await store.lockVisitOrder(tx, orderId);
    if (!o || !missedNotice(o.state, o.windowStart, at)) return; // arrived or gave notice meanwhile
    if (await store.missedNoticeFlagged(tx, o.id, o.windowStart!)) return;
    const order = (await store.getVisitOrder(tx, o.id))!;
    const escalate = !(await store.arrivalBreachPostedFor(tx, o.id, o.windowStart!));
    await deps.notify.missedNotice(tx, order, { escalate });
    await store.updateVisitOrder(tx, o.id, { missedNotices: o.missedNotices + 1 }, false);
    await store.insertVisitEvent(tx, { orderId: o.id, at, actor: SYSTEM_ACTOR, kind: 'missed_notice', fromState: o.state, toState: o.state, data: { windowStart: o.windowStart!.toISOString(), escalated: escalate } });
    counts.missed++;
  });
}
