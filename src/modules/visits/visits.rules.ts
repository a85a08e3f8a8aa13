// Pure visit-order rules (SPEC §3.2, handbook 3.4.2): states, the actions each allows, the
// lateness and punctuality rules, ids and form checks. No I/O; `now` is always passed in.
import type { MessageKey } from '../../platform/i18n.js';

export const VISIT_STATES = [
  'open',
  'accepted',
  'scheduled',
  'late',
  'on_site',
  'completed',
  'confirmed',
  'archived',
  'declined',
  'cancelled',
  'no_contact',
] as const;
export type VisitState = (typeof VISIT_STATES)[number];

export type VisitAction =
  | 'accept'
  | 'decline'
  | 'reassign'
  | 'confirm_window'
  | 'late'
  | 'unreachable'
  | 'left_note'
  | 'arrive'
  | 'complete'
  | 'new_link'
  | 'confirm'
  | 'callback'
  | 'archive'
  | 'cancel';

/** States in which the order is finished: nothing changes it any more. */
export const FINAL_STATES: readonly VisitState[] = ['archived', 'cancelled', 'declined'];
/** States in which a visit is still to happen or to be signed off ("under way"). */
export const ACTIVE_STATES: readonly VisitState[] = ['open', 'accepted', 'scheduled', 'late', 'no_contact', 'on_site', 'completed', 'confirmed'];

const BEFORE_VISIT: readonly VisitState[] = ['accepted', 'scheduled', 'late'];

/** Which states each action may start from. */
const FROM: Record<VisitAction, readonly VisitState[]> = {
  accept: ['open'],
  decline: ['open'],
  reassign: ['open', 'accepted', 'scheduled', 'late', 'no_contact'],
  confirm_window: ['accepted', 'scheduled', 'late', 'no_contact'],
  late: ['scheduled', 'late'],
  unreachable: BEFORE_VISIT,
  left_note: BEFORE_VISIT,
  arrive: BEFORE_VISIT,
  complete: ['on_site'],
  new_link: ['completed'],
  confirm: ['completed'],
  callback: ['completed'],
  archive: ['confirmed'],
  cancel: ['open', 'accepted', 'scheduled', 'late', 'no_contact'],
};

/** True when `action` may be taken on an order in `state`. */
export function canStart(action: VisitAction, state: VisitState): boolean {
  return FROM[action].includes(state);
}

/**
 * The state an action leads to; `undefined` keeps the current state. Decline and reassign depend on
 * who acts, so the service passes what it decided.
 */
export function nextState(action: VisitAction, from: VisitState): VisitState | undefined {
  switch (action) {
    case 'accept':
      return 'accepted';
    case 'confirm_window':
      return 'scheduled';
    case 'late':
      return 'late';
    case 'left_note':
      return 'no_contact';
    case 'arrive':
      return 'on_site';
    case 'complete':
      return 'completed';
    case 'confirm':
    case 'callback':
      return 'confirmed';
    case 'archive':
      return 'archived';
    case 'cancel':
      return 'cancelled';
    case 'reassign':
      return from === 'open' ? 'accepted' : undefined;
    case 'decline':
    case 'unreachable':
    case 'new_link':
      return undefined;
  }
}

/** The buttons an order's dispatch message offers, in display order. */
export function buttonsFor(state: VisitState, callAttempts: number, maxCallAttempts: number): VisitAction[] {
  const wentByAddress = callAttempts >= maxCallAttempts;
  switch (state) {
    case 'open':
      return ['accept', 'decline', 'reassign', 'cancel'];
    case 'accepted':
      return ['confirm_window', 'unreachable', ...(wentByAddress ? (['left_note', 'arrive'] as const) : []), 'reassign', 'cancel'];
    case 'scheduled':
    case 'late':
      return ['arrive', 'late', 'unreachable', ...(wentByAddress ? (['left_note'] as const) : []), 'confirm_window', 'reassign', 'cancel'];
    case 'no_contact':
      return ['confirm_window', 'reassign', 'cancel'];
    case 'on_site':
      return ['complete'];
    case 'completed':
      return ['callback', 'new_link'];
    case 'confirmed':
      return ['archive'];
    default:
      return [];
  }
}

/** Human id: VO-<year>-<seq>. */
export const visitKey = (year: number, seq: number) => `VO-${year}-${seq}`;

/** Parses "VO-2026-3" (any case); undefined when it is not a visit-order id. */
export function parseVisitKey(text: string): string | undefined {
  const m = /^VO-(\d{4})-(\d{1,9})$/i.exec(text.trim());
  return m ? `VO-${m[1]}-${Number(m[2])}` : undefined;
}

const MINUTE = 60_000;

/** The handbook's service window: two hours. */
export const WINDOW_MINUTES = 120;
export const windowEndOf = (start: Date) => new Date(start.getTime() + WINDOW_MINUTES * MINUTE);

/** Notice a short delay needs before the agreed start (handbook 3.4.2.5: 提前30分钟). */
export const SHORT_DELAY_NOTICE_MINUTES = 30;
/** Notice a long delay needs (提前4小时), with a newly agreed window. */
export const LONG_DELAY_NOTICE_MINUTES = 240;

export interface LateNoticeCheck {
  /** Minutes from the notice to the agreed start (negative once the start has passed). */
  leadMinutes: number;
  /** Minutes from the agreed start to the new ETA. */
  delayMinutes: number;
  /** A delay beyond half a day: needs 4 h notice and a new agreed window. */
  long: boolean;
  requiredMinutes: number;
  /** True when the notice came early enough; false means accepted but flagged. */
  inTime: boolean;
}

/**
 * Checks a Running-late notice given at `now` for a visit agreed to start at `agreedStart`, the
 * engineer now expecting to arrive at `eta`. A delay of up to `longDelayMinutes` (half a day) must
 * be announced at least 30 minutes before the agreed start; a longer one at least 4 hours before.
 * Exactly the required notice is in time.
 */
export function checkLateNotice(now: Date, agreedStart: Date, eta: Date, longDelayMinutes: number): LateNoticeCheck {
  const leadMs = agreedStart.getTime() - now.getTime();
  const delayMs = eta.getTime() - agreedStart.getTime();
  const long = delayMs > longDelayMinutes * MINUTE;
  const requiredMinutes = long ? LONG_DELAY_NOTICE_MINUTES : SHORT_DELAY_NOTICE_MINUTES;
  return {
    leadMinutes: Math.floor(leadMs / MINUTE),
    delayMinutes: Math.ceil(delayMs / MINUTE),
    long,
    requiredMinutes,
    inTime: leadMs >= requiredMinutes * MINUTE,
  };
}

export type ArrivalPunctuality = 'early' | 'target' | 'on_time' | 'late_notified' | 'late' | 'no_window';

/**
 * How an arrival compares with the agreed start: 5–10 minutes early is the handbook's target;
 * after the start it is late — announced when a Running-late notice was given for this window
 * (the order is `late`), else unannounced.
 */
export function arrivalPunctuality(arrivedAt: Date, windowStart: Date | null, noticeGiven: boolean): { offsetMinutes: number | null; punctuality: ArrivalPunctuality } {
  if (!windowStart) return { offsetMinutes: null, punctuality: 'no_window' };
  const offsetMs = arrivedAt.getTime() - windowStart.getTime();
  const offsetMinutes = Math.round(offsetMs / MINUTE);
  if (offsetMs > 0) return { offsetMinutes, punctuality: noticeGiven ? 'late_notified' : 'late' };
  if (offsetMs > -5 * MINUTE) return { offsetMinutes, punctuality: 'on_time' };
  if (offsetMs >= -10 * MINUTE) return { offsetMinutes, punctuality: 'target' };
  return { offsetMinutes, punctuality: 'early' };
}

/** When an unaccepted order is re-announced (`timeout` after posting) and escalated (twice that). */
export function acceptDeadlines(postedAt: Date, timeoutMinutes: number): { reannounceAt: Date; escalateAt: Date } {
  return {
    reannounceAt: new Date(postedAt.getTime() + timeoutMinutes * MINUTE),
    escalateAt: new Date(postedAt.getTime() + 2 * timeoutMinutes * MINUTE),
  };
}

/** True when the agreed start has passed with no arrival and no notice: visit-watch flags it. */
export function missedNotice(state: VisitState, windowStart: Date | null, at: Date): boolean {
  return state === 'scheduled' && windowStart !== null && at.getTime() > windowStart.getTime();
}

export type VisitResult = 'resolved' | 'partly' | 'not_resolved';
export const VISIT_RESULTS: readonly VisitResult[] = ['resolved', 'partly', 'not_resolved'];
export const CALL_RESULTS = ['no_answer', 'busy', 'switched_off', 'wrong_number'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];
/** The reasons the Running-late form offers. */
export const LATE_REASONS = ['traffic', 'vehicle', 'weather', 'other'] as const;
/**
 * Reasons no longer accepted: the handbook (3.4.2.5) forbids blaming lateness on serving too many
 * customers (不能以服务客户太多为理由), so `previous_job` (上一单服务超时) is refused — older
 * orders may still carry it, and it is still shown for them.
 */
export const RETIRED_LATE_REASONS = ['previous_job'] as const;
export type LateReason = (typeof LATE_REASONS)[number] | (typeof RETIRED_LATE_REASONS)[number];

/** Field limits of the visit forms; Slack's inputs enforce the same, but we never trust the client. */
export const VISIT_LIMITS = {
  address: 300,
  contactName: 60,
  need: 3000,
  reason: 500,
  where: 300,
  workDone: 3000,
  parts: 1000,
  followUp: 1000,
  personName: 60,
  comment: 1000,
} as const;

export type FieldProblem = { key: MessageKey; params?: Record<string, string | number> };
export type Problems = Record<string, FieldProblem>;

/** A text field: required or not, and at most `max` characters. */
export function checkText(problems: Problems, field: string, value: string | undefined, max: number, required = true): void {
  if (required && !value?.trim()) problems[field] = { key: 'error.required' };
  else if (value !== undefined && [...value.trim()].length > max) problems[field] = { key: 'error.too_long', params: { max } };
}

/** What the visit-order form submits. */
export interface VisitDraft {
  address?: string;
  contactName?: string;
  contactPhone?: string;
  need?: string;
  requestedStart?: Date;
}

/** Checks a draft; field names match the modal's block ids. */
export function validateVisitDraft(draft: VisitDraft, now: Date, isPhone: (text: string) => boolean): Problems {
  const problems: Problems = {};
  checkText(problems, 'address', draft.address, VISIT_LIMITS.address);
  checkText(problems, 'contact_name', draft.contactName, VISIT_LIMITS.contactName);
  if (!draft.contactPhone?.trim()) problems.contact_phone = { key: 'error.required' };
  else if (!isPhone(draft.contactPhone)) problems.contact_phone = { key: 'error.phone_invalid' };
  checkText(problems, 'need', draft.need, VISIT_LIMITS.need);
  if (!draft.requestedStart) problems.window_start = { key: 'error.required' };
  else if (draft.requestedStart.getTime() <= now.getTime()) problems.window_start = { key: 'visit.error.window_past' };
  return problems;
}
