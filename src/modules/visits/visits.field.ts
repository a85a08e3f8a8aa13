// The engineer's steps in the field (handbook 3.4.2): confirm the window with the customer, report
// lateness, record unanswered calls and the left note, check in, complete. Only the order's
// engineer takes them (checked in `transition`); every step is one transaction with its messages.
import { ValidationError } from '../../platform/errors.js';
import { normalizePhone } from '../customers/index.js';
import { issueSignoff } from './signoff.service.js';
import * as store from './visits.store.js';
import {
  arrivalPunctuality,
  checkLateNotice,
  checkText,
  CALL_RESULTS,
  LATE_REASONS,
  RETIRED_LATE_REASONS,
  VISIT_LIMITS,
  VISIT_RESULTS,
  windowEndOf,
  type Problems,
} from './visits.rules.js';
import { transition, type VisitDeps } from './visits.service.js';

const fail = (problems: Problems) => {
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
};
const isPhone = (text: string | undefined) => !!text && normalizePhone(text) !== undefined;

export interface WindowForm {
  start?: Date;
  address?: string;
  contactName?: string;
  contactPhone?: string;
  /** The engineer ticked "the customer agreed to this window". */
  customerAgreed: boolean;
}

/**
 * Confirm the window (约定上门时间) after calling the customer: the agreed 2-hour window and the
 * re-checked address and phone. Also reschedules an order after no contact or a long delay.
 */
export async function confirmWindow(deps: VisitDeps, orderId: number, actor: string, form: WindowForm, version?: number) {
  const now = deps.clock.now();
  const problems: Problems = {};
  if (!form.start) problems.window_start = { key: 'error.required' };
  else if (form.start.getTime() <= now.getTime()) problems.window_start = { key: 'visit.error.window_past' };
  checkText(problems, 'address', form.address, VISIT_LIMITS.address);
  checkText(problems, 'contact_name', form.contactName, VISIT_LIMITS.contactName);
  if (!form.contactPhone?.trim()) problems.contact_phone = { key: 'error.required' };
  else if (!isPhone(form.contactPhone)) problems.contact_phone = { key: 'error.phone_invalid' };
  if (!form.customerAgreed) problems.agreed = { key: 'visit.error.customer_must_agree' };
  fail(problems);
  const start = form.start!;
  return transition(deps, orderId, actor, 'confirm_window', version, () => ({
    patch: {
      windowStart: start,
      windowEnd: windowEndOf(start),
      windowAgreedAt: now,
      address: form.address!.trim(),
      contactName: form.contactName!.trim(),
      contactPhone: normalizePhone(form.contactPhone!)!,
      eta: null,
    },
    data: { windowStart: start.toISOString() },
  }));
}

export interface LateForm {
  reason?: string;
  detail?: string;
  eta?: Date;
  /** The newly agreed window's start; required for a delay beyond half a day. */
  newStart?: Date;
  /** The engineer ticked "I told the customer and apologised". */
  customerTold: boolean;
}

/**
 * Running late: reason and new ETA. A notice given with less lead time than the rules ask for is
 * still recorded, but flagged to the dispatcher and counted on the order. A long delay comes with a
 * newly agreed window: like a Confirm-window reschedule the order is `scheduled` again for it, so
 * visit-watch and the SLA sweep watch the new start and punctuality is judged against it.
 */
export async function reportLate(deps: VisitDeps, orderId: number, actor: string, form: LateForm, version?: number) {
  const now = deps.clock.now();
  const problems: Problems = {};
  if ((RETIRED_LATE_REASONS as readonly string[]).includes(form.reason ?? '')) problems.reason = { key: 'visit.error.reason_not_allowed' };
  else if (!form.reason || !(LATE_REASONS as readonly string[]).includes(form.reason)) problems.reason = { key: 'error.required' };
  checkText(problems, 'detail', form.detail, VISIT_LIMITS.reason, form.reason === 'other');
  if (!form.eta) problems.eta = { key: 'error.required' };
  else if (form.eta.getTime() <= now.getTime()) problems.eta = { key: 'visit.error.eta_past' };
  if (form.newStart && form.newStart.getTime() <= now.getTime()) problems.new_window = { key: 'visit.error.window_past' };
  if (!form.customerTold) problems.told = { key: 'visit.error.tell_customer' };
  fail(problems);
  const eta = form.eta!;
  return transition(deps, orderId, actor, 'late', version, (o) => {
    const agreedStart = o.windowStart!;
    if (eta.getTime() <= agreedStart.getTime()) throw new ValidationError({ eta: { key: 'visit.error.eta_not_late' } });
    const check = checkLateNotice(now, agreedStart, eta, deps.config.visits.long_delay);
    if (check.long && !form.newStart) throw new ValidationError({ new_window: { key: 'visit.error.new_window_required' } });
    const newStart = form.newStart;
    const note = [form.reason, form.detail?.trim()].filter(Boolean).join(': ');
    return {
      patch: {
        eta,
        lateNotices: o.lateNotices + 1,
        lateNoticesFlagged: o.lateNoticesFlagged + (check.inTime ? 0 : 1),
        ...(newStart ? { windowStart: newStart, windowEnd: windowEndOf(newStart), windowAgreedAt: now } : {}),
      },
      ...(newStart ? { to: 'scheduled' as const } : {}),
      note,
      data: { ...check, eta: eta.toISOString(), agreedStart: agreedStart.toISOString(), reason: form.reason, ...(newStart ? { newWindowStart: newStart.toISOString() } : {}) },
      change: { late: { ...check, eta, newWindow: !!newStart } },
    };
  });
}

/** Customer unreachable: records one call attempt (time and result). */
export async function recordCallAttempt(deps: VisitDeps, orderId: number, actor: string, form: { result?: string; at?: Date }) {
  const now = deps.clock.now();
  const problems: Problems = {};
  if (!form.result || !(CALL_RESULTS as readonly string[]).includes(form.result)) problems.call_result = { key: 'error.required' };
  if (form.at && form.at.getTime() > now.getTime() + 60_000) problems.called_at = { key: 'visit.error.in_future' };
  fail(problems);
  const at = form.at ?? now;
  return transition(deps, orderId, actor, 'unreachable', undefined, (o) => {
    const attempt = o.callAttempts + 1;
    return {
      patch: { callAttempts: attempt },
      note: form.result,
      data: { attempt, result: form.result, calledAt: at.toISOString() },
      change: { call: { attempt, max: deps.config.visits.max_call_attempts, result: form.result! } },
    };
  });
}

/** The left note (未见客户留言条) after the configured calls and a visit with nobody there: → no_contact. */
export async function leaveNote(deps: VisitDeps, orderId: number, actor: string, form: { at?: Date; where?: string; phone?: string }, version?: number) {
  const now = deps.clock.now();
  const problems: Problems = {};
  if (!form.at) problems.left_at = { key: 'error.required' };
  else if (form.at.getTime() > now.getTime() + 60_000) problems.left_at = { key: 'visit.error.in_future' };
  checkText(problems, 'where', form.where, VISIT_LIMITS.where);
  if (!form.phone?.trim()) problems.note_phone = { key: 'error.required' };
  else if (!isPhone(form.phone)) problems.note_phone = { key: 'error.phone_invalid' };
  fail(problems);
  return transition(deps, orderId, actor, 'left_note', version, () => ({
    patch: { leftNoteAt: form.at!, leftNoteWhere: form.where!.trim(), leftNotePhone: normalizePhone(form.phone!)! },
    note: form.where!.trim(),
    data: { leftAt: form.at!.toISOString() },
  }));
}

/** Arrived: check-in now; the punctuality against the agreed start is recorded. */
export function arrive(deps: VisitDeps, orderId: number, actor: string, version?: number) {
  const now = deps.clock.now();
  return transition(deps, orderId, actor, 'arrive', version, (o) => {
    // A notice counts only for the window it was given for: a new window (Confirm window, or a
    // long delay's newly agreed one) puts the order back to `scheduled`.
    const arrival = arrivalPunctuality(now, o.windowStart, o.state === 'late');
    return {
      patch: { arrivedAt: now, arrivalOffsetMinutes: arrival.offsetMinutes, punctuality: arrival.punctuality },
      data: { ...arrival },
      change: { arrival },
    };
  });
}

export interface CompletionForm {
  workDone?: string;
  partsUsed?: string;
  result?: string;
  followUp?: string;
  followUpNote?: string;
}

/** Completed: work done, parts, result, follow-up. Issues the customer's sign-off link and code. */
export async function completeVisit(deps: VisitDeps, orderId: number, actor: string, form: CompletionForm, version?: number) {
  const problems: Problems = {};
  checkText(problems, 'work_done', form.workDone, VISIT_LIMITS.workDone);
  checkText(problems, 'parts', form.partsUsed, VISIT_LIMITS.parts, false);
  if (!form.result || !(VISIT_RESULTS as readonly string[]).includes(form.result)) problems.result = { key: 'error.required' };
  if (form.followUp !== 'yes' && form.followUp !== 'no') problems.follow_up = { key: 'error.required' };
  checkText(problems, 'follow_up_note', form.followUpNote, VISIT_LIMITS.followUp, form.followUp === 'yes');
  fail(problems);
  const now = deps.clock.now();
  return transition(deps, orderId, actor, 'complete', version, async (o, tx) => {
    const signoff = await issueSignoff(deps, tx, o.id, actor, now);
    return {
      patch: {
        completedAt: now,
        completedBy: actor,
        workDone: form.workDone!.trim(),
        partsUsed: form.partsUsed?.trim() || null,
        result: form.result as store.VisitOrder['result'],
        followUp: form.followUp === 'yes',
        followUpNote: form.followUpNote?.trim() || null,
      },
      note: form.workDone!.trim(),
      data: { result: form.result, followUp: form.followUp === 'yes' },
      change: { signoff },
    };
  });
}

/** A new sign-off link (the old one expired or was lost): the previous links stop working. */
export function renewSignoffLink(deps: VisitDeps, orderId: number, actor: string) {
  const now = deps.clock.now();
  return transition(deps, orderId, actor, 'new_link', undefined, async (o, tx) => {
    const signoff = await issueSignoff(deps, tx, o.id, actor, now);
    return { patch: {}, change: { signoff } };
  });
}

export interface CallbackForm {
  person?: string;
  rating?: string;
  comment?: string;
}

/**
 * The phone-callback confirmation: a dispatcher or service-desk colleague who is not the order's
 * engineer calls the customer and records whom they spoke to (七大不准: the engineer never signs).
 */
export async function confirmByCallback(deps: VisitDeps, orderId: number, actor: string, form: CallbackForm, version?: number) {
  const problems: Problems = {};
  checkText(problems, 'person', form.person, VISIT_LIMITS.personName);
  if (form.rating && !/^[1-5]$/.test(form.rating)) problems.rating = { key: 'visit.error.rating' };
  checkText(problems, 'comment', form.comment, VISIT_LIMITS.comment, false);
  fail(problems);
  const now = deps.clock.now();
  return transition(deps, orderId, actor, 'callback', version, async (o, tx) => {
    await store.revokeSignoffs(tx, o.id, now);
    return {
      patch: {
        confirmedAt: now,
        confirmedVia: 'callback',
        confirmedName: form.person!.trim(),
        confirmedBy: actor,
        rating: form.rating ? Number(form.rating) : null,
        ratingComment: form.comment?.trim() || null,
      },
      note: form.person!.trim(),
      data: { rating: form.rating ? Number(form.rating) : null },
    };
  });
}
