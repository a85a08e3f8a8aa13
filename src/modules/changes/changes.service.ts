// Change-request use cases (SPEC §3.6): submit a change, and every step of its life through the one
// transition (changes.transition.ts) that checks, writes and queues the Slack messages together.
import { DateTime } from 'luxon';
import { audit } from '../../platform/audit.js';
import { nextSeq } from '../../platform/counters.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import { findTicket, getTicketById, openTicket, parseTicketKey, type TicketDraft } from '../tickets/index.js';
import {
  changeKey,
  countApproval,
  approvalsNeeded,
  freezeHit,
  parseSystems,
  systemKey,
  validateChangeDraft,
  validateReason,
  validateRollback,
  validateVerification,
  type ChangeDraft,
  type FieldProblems,
} from './changes.rules.js';
import { changeView, type ChangeRef, type ChangeView } from './changes.queries.js';
import * as store from './changes.store.js';
import { transition, type ChangeDeps } from './changes.transition.js';

function throwIfProblems(problems: FieldProblems): void {
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
}

/** The form's pure checks, as the modal shows them before anything is written. */
export function checkChangeDraft(deps: Pick<ChangeDeps, 'config'>, draft: ChangeDraft, now: Date): FieldProblems {
  return validateChangeDraft(draft, now, deps.config.changes.freeze, (t) => parseTicketKey(t) !== undefined);
}

/**
 * Submits a change: checks the form (field problems, nothing written), numbers it CHG-<year>-<seq>
 * without gaps, records it and queues its message (and the conflict notes on the messages of the
 * changes it overlaps) in one transaction. `requestKey` (the modal's view id) makes a repeated
 * submission return the change the first one made. Returns the change and the changes it conflicts with.
 */
export async function submitChange(
  deps: ChangeDeps,
  draft: ChangeDraft,
  actor: string,
  opts: { requestKey?: string; channel?: string } = {},
): Promise<{ change: ChangeView; conflicts: ChangeRef[] }> {
  const { db, clock, config } = deps;
  const now = clock.now();
  throwIfProblems(checkChangeDraft(deps, draft, now));
  const ticketKey = draft.ticket?.trim() ? parseTicketKey(draft.ticket) : undefined;
  const ticket = ticketKey ? await findTicket(deps.tickets, ticketKey) : undefined;
  if (ticketKey && !ticket) throw new DomainError('invalid', 'change.error.ticket_unknown', { key: ticketKey }, 'ticket');
  if (opts.requestKey) {
    const existing = await store.getChangeByRequestKey(db, opts.requestKey);
    if (existing) {
      const view = (await changeView(deps, existing.id))!;
      return { change: view, conflicts: view.conflicts };
    }
  }
  const systems = parseSystems(draft.systems);
  const window = { start: draft.windowStart!, end: draft.windowEnd! };
  const frozen = draft.emergency ? freezeHit(window, config.changes.freeze) : undefined;
  const created = await db.transaction(async (tx) => {
    const year = DateTime.fromJSDate(now, { zone: config.timezone }).year;
    const seq = await nextSeq(tx, 'CHG', year);
    const row = await store.insertChange(tx, {
      key: changeKey(year, seq),
      title: draft.title!.trim(),
      systems,
      systemKeys: systems.map(systemKey),
      description: draft.description!.trim(),
      reason: draft.reason!.trim(),
      risk: draft.risk as ChangeView['risk'],
      impact: draft.impact!.trim(),
      testEvidence: draft.testEvidence?.trim() || null,
      plan: draft.plan!.trim(),
      rollbackPlan: draft.rollbackPlan!.trim(),
      windowStart: window.start,
      windowEnd: window.end,
      requester: actor,
      implementer: draft.implementer!,
      ticketId: ticket?.id ?? null,
      emergency: !!draft.emergency,
      emergencyReason: draft.emergency ? draft.emergencyReason!.trim() : null,
      freezeReason: frozen?.reason ?? null,
      state: 'submitted',
      slackChannel: config.channels.changes ?? opts.channel ?? null,
      requestKey: opts.requestKey ?? null,
      createdAt: now,
      updatedAt: now,
    });
    if (!row) return undefined; // the same submission won a race: roll back and return its change
    await store.insertEvent(tx, { changeId: row.id, at: now, actor, kind: 'submitted', toState: 'submitted', data: frozen ? { freeze: frozen.reason } : null });
    await audit(tx, { at: now, actor, action: 'change.submit', subject: `change:${row.id}`, outcome: 'ok' });
    const view = (await changeView(deps, row.id, tx))!;
    await deps.notify.submitted(tx, view);
    return view;
  });
  if (!created) {
    const again = (await store.getChangeByRequestKey(db, opts.requestKey!))!;
    const view = (await changeView(deps, again.id))!;
    return { change: view, conflicts: view.conflicts };
  }
  deps.queued();
  return { change: created, conflicts: created.conflicts };
}

/**
 * Approve: supervisors only, never the requester or the implementer; high risk needs two different
 * supervisors, the same one twice counts once. Under the row lock, so two approvals at once make
 * one approved change.
 */
export function approveChange(deps: ChangeDeps, id: number, actor: string, version?: number): Promise<ChangeView> {
  return transition(deps, id, actor, 'approve', version, async (c, tx) => {
    const before = await store.listApprovers(tx, c.id);
    const counted = countApproval(c.risk, before, actor);
    if (counted.repeated) throw new DomainError('conflict', 'change.already_approved_by_you', { key: c.key });
    await store.insertApproval(tx, c.id, actor, deps.clock.now());
    const needed = approvalsNeeded(c.risk);
    const approvals = { count: counted.approvers.length, needed };
    if (!counted.complete) return { patch: {}, to: c.state, approvals, data: approvals };
    return { patch: { approvedAt: deps.clock.now() }, to: c.state === 'submitted' ? 'approved' : c.state, approvals, data: approvals };
  });
}

/** Reject: a supervisor's decision with a reason. */
export function rejectChange(deps: ChangeDeps, id: number, actor: string, reason: string, version?: number): Promise<ChangeView> {
  throwIfProblems(validateReason(reason));
  return transition(deps, id, actor, 'reject', version, () => ({ patch: { rejectReason: reason.trim(), closedAt: deps.clock.now() }, note: reason.trim() }));
}

/** Schedule: the approved window is put on the change calendar. */
export function scheduleChange(deps: ChangeDeps, id: number, actor: string, version?: number): Promise<ChangeView> {
  return transition(deps, id, actor, 'schedule', version, () => ({ patch: {} }));
}

/** Start: an ordinary change not before its window opens; an emergency one at once. */
export function startChange(deps: ChangeDeps, id: number, actor: string, version?: number): Promise<ChangeView> {
  return transition(deps, id, actor, 'start', version, (c) => {
    const now = deps.clock.now();
    if (!c.emergency && now.getTime() < c.windowStart.getTime()) throw new DomainError('invalid', 'change.too_early', { key: c.key, start: c.windowStart.toISOString() });
    return { patch: { startedAt: now } };
  });
}

/** Finish: the work is done, verification begins. */
export function finishChange(deps: ChangeDeps, id: number, actor: string, version?: number): Promise<ChangeView> {
  return transition(deps, id, actor, 'finish', version, () => ({ patch: { finishedAt: deps.clock.now() } }));
}

/** Verify: done, with what was checked and the outcome (both required). */
export function verifyChange(deps: ChangeDeps, id: number, actor: string, v: { checked: string; outcome: string }, version?: number): Promise<ChangeView> {
  throwIfProblems(validateVerification(v));
  return transition(deps, id, actor, 'verify', version, () => ({
    patch: { verificationChecked: v.checked.trim(), verificationOutcome: v.outcome.trim(), closedAt: deps.clock.now() },
    note: `${v.checked.trim()} → ${v.outcome.trim()}`,
  }));
}

/** Roll back: records what happened and why; a ticket may be opened afterwards (`openFollowUpTicket`). */
export function rollbackChange(deps: ChangeDeps, id: number, actor: string, r: { happened: string; why: string }, version?: number): Promise<ChangeView> {
  throwIfProblems(validateRollback(r));
  return transition(deps, id, actor, 'rollback', version, () => ({
    patch: { rollbackHappened: r.happened.trim(), rollbackWhy: r.why.trim(), closedAt: deps.clock.now() },
    note: `${r.happened.trim()} — ${r.why.trim()}`,
  }));
}

/** Cancel (requester or supervisor, before implementing), with a reason. */
export function cancelChange(deps: ChangeDeps, id: number, actor: string, reason: string, version?: number): Promise<ChangeView> {
  throwIfProblems(validateReason(reason));
  return transition(deps, id, actor, 'cancel', version, () => ({ patch: { cancelReason: reason.trim(), closedAt: deps.clock.now() }, note: reason.trim() }));
}

/**
 * Opens a ticket about a rolled-back change, linked to it: the linked ticket's customer (else
 * "Internal IT"), priority P2, what happened and why. Once per change.
 */
export function openFollowUpTicket(deps: ChangeDeps, id: number, actor: string, version?: number): Promise<ChangeView> {
  return transition(deps, id, actor, 'follow_up', version, async (c, tx) => {
    const { config, tr } = deps;
    const linked = c.ticketId ? await getTicketById(deps.tickets, c.ticketId, tx) : undefined;
    const category = config.tickets.categories.includes('other') ? 'other' : config.tickets.categories[0]!;
    const draft: TicketDraft = {
      ...(linked ? { customerId: linked.customerId } : { newCustomerName: tr('change.follow_up.customer') }),
      category,
      priority: 'P2',
      title: tr('change.follow_up.title', { key: c.key, title: c.title }).slice(0, 150),
      description: tr('change.follow_up.description', { key: c.key, happened: c.rollbackHappened ?? '', why: c.rollbackWhy ?? '' }).slice(0, 3000),
    };
    // Opened in this transaction (a savepoint): the ticket and the change's link commit together. Work
    // meant for after the ticket's commit is left to its jobs (the outer commit has not happened yet).
    const ticket = await openTicket({ ...deps.tickets, db: tx, afterCreated: [] }, draft, actor, { requestKey: `change:${c.id}:follow-up`, origin: { channel: c.slackChannel ?? undefined, messageTs: c.slackTs ?? undefined } });
    return { patch: { followUpTicketId: ticket.id }, note: ticket.key, data: { ticketId: ticket.id, ticket: ticket.key } };
  });
}
