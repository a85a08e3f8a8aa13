// Pure ticket rules (SPEC §3.1): states, the actions each allows, ids and due times. No I/O.
import { DateTime } from 'luxon';
import type { Priority } from '../../config/config.js';
import type { MessageKey } from '../../platform/i18n.js';

export const TICKET_STATES = [
  'new',
  'acknowledged',
  'in_progress',
  'waiting_customer',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type TicketState = (typeof TICKET_STATES)[number];
/** Where a ticket came from: a person in Slack (the form, a message shortcut) or a monitoring alert. */
export type TicketOriginKind = 'slack' | 'alert';

export type TicketAction =
  | 'take'
  | 'assign'
  | 'remote_step'
  | 'wait_customer'
  | 'resume'
  | 'resolve'
  | 'close'
  | 'reopen'
  | 'cancel'
  | 'extend';

const OPEN: readonly TicketState[] = ['new', 'acknowledged', 'in_progress', 'waiting_customer'];

/** Which states each action may start from. */
const FROM: Record<TicketAction, readonly TicketState[]> = {
  take: ['new'],
  assign: OPEN,
  remote_step: ['acknowledged', 'in_progress'],
  wait_customer: ['acknowledged', 'in_progress'],
  resume: ['waiting_customer'],
  resolve: ['acknowledged', 'in_progress', 'waiting_customer'],
  close: ['resolved'],
  reopen: ['resolved'],
  cancel: OPEN,
  extend: ['acknowledged', 'in_progress', 'waiting_customer'],
};

/** The state an action leads to; `undefined` keeps the current state. */
export function nextState(action: TicketAction, _from: TicketState): TicketState | undefined {
  switch (action) {
    case 'take':
      return 'acknowledged';
    case 'assign':
      return undefined;
    case 'remote_step':
      return 'in_progress';
    case 'wait_customer':
      return 'waiting_customer';
    case 'resume':
      return 'in_progress';
    case 'resolve':
      return 'resolved';
    case 'close':
      return 'closed';
    case 'reopen':
      return 'in_progress';
    case 'cancel':
      return 'cancelled';
    case 'extend':
      return undefined;
  }
}

/** True when `action` may be taken on a ticket in `state`. */
export function canStart(action: TicketAction, state: TicketState): boolean {
  return FROM[action].includes(state);
}

/** The actions a ticket's message offers as buttons, in display order. */
export function buttonsFor(state: TicketState): TicketAction[] {
  const order: TicketAction[] = ['take', 'assign', 'remote_step', 'wait_customer', 'resume', 'resolve', 'extend', 'close', 'reopen', 'cancel'];
  return order.filter((a) => canStart(a, state));
}

export function isOpen(state: TicketState): boolean {
  return OPEN.includes(state);
}

/** Human id: OPS-<year>-<seq>. */
export function ticketKey(year: number, seq: number): string {
  return `OPS-${year}-${seq}`;
}

export const TICKET_KEY_PATTERN = /^OPS-(\d{4})-(\d{1,9})$/i;

/** Parses "OPS-2026-12" (any case); undefined when it is not a ticket id. */
export function parseTicketKey(text: string): string | undefined {
  const m = TICKET_KEY_PATTERN.exec(text.trim());
  return m ? `OPS-${m[1]}-${Number(m[2])}` : undefined;
}

/** Field limits of the ticket form; Slack's inputs enforce the same, but we never trust the client. */
export const TICKET_LIMITS = {
  title: 150,
  description: 3000,
  customerName: 100,
  site: 150,
  callerName: 60,
  product: 75,
  callerPhone: 30,
  reason: 500,
  cause: 1000,
  fix: 2000,
  step: 1000,
  result: 1000,
  consentedBy: 60,
} as const;

/** How a customer may give consent to a remote session (the consent form's choices). */
export const CONSENT_METHODS = ['phone', 'chat', 'email', 'on_site'] as const;

export const PRIORITY_ORDER: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/** What the ticket form submits, already pulled out of Slack's view state. */
export interface TicketDraft {
  customerId?: number;
  newCustomerName?: string;
  site?: string;
  callerName?: string;
  callerPhone?: string;
  product?: string;
  category?: string;
  priority?: string;
  title?: string;
  description?: string;
  /** The customer's expected resolution time (客户期望解决时间): an exact time wins over a preset. */
  expectedAt?: Date;
  expectedPreset?: string;
}

/**
 * The form's quick choices for the customer's expected time. `sla` is the ticket's resolution due
 * time (its policy and calendar), known only once the customer and priority are; the others are
 * the customer's own words, wall-clock in the configured zone.
 */
export const EXPECTED_PRESETS = ['today_18', 'within_4h', 'tomorrow_12', 'sla'] as const;
export type ExpectedPreset = (typeof EXPECTED_PRESETS)[number];

export const isExpectedPreset = (value: string | undefined): value is ExpectedPreset => (EXPECTED_PRESETS as readonly string[]).includes(value ?? '');

/** The time a preset stands for at `now` in `zone`; undefined for `sla` (the service fills in the due time). */
export function presetTime(preset: ExpectedPreset, now: Date, zone: string): Date | undefined {
  const local = DateTime.fromJSDate(now, { zone });
  switch (preset) {
    case 'today_18':
      return local.set({ hour: 18, minute: 0, second: 0, millisecond: 0 }).toJSDate();
    case 'within_4h':
      return new Date(now.getTime() + 4 * 3_600_000);
    case 'tomorrow_12':
      return local.plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 }).toJSDate();
    case 'sla':
      return undefined;
  }
}

/**
 * The customer expects it sooner than the SLA's resolution due time: the engineer must agree the
 * time with the customer (SPEC §3.1). Only while the ticket is open.
 */
export function expectedBeforeSla(t: { expectedAt: Date | null; resolutionDueAt: Date; state: TicketState }): boolean {
  return isOpen(t.state) && t.expectedAt !== null && t.expectedAt.getTime() < t.resolutionDueAt.getTime();
}

export type FieldProblem = { key: MessageKey; params?: Record<string, string | number> };
export type FieldProblems = Record<string, FieldProblem>;

/** Adds `error.too_long` for `field` when `value` has more than `max` characters (code points, as Slack counts them). */
function checkLength(problems: FieldProblems, field: string, value: string | undefined, max: number): void {
  if (value !== undefined && [...value].length > max) problems[field] = { key: 'error.too_long', params: { max } };
}

/** A required text: blank is `error.required`, too long is `error.too_long`. */
function checkRequiredText(problems: FieldProblems, field: string, value: string | undefined, max: number): void {
  if (!value?.trim()) problems[field] = { key: 'error.required' };
  else checkLength(problems, field, value, max);
}

/**
 * Checks a draft; returns the problems by field (empty when it may be saved). Field names match
 * the modal's block ids.
 */
export function validateTicketDraft(
  draft: TicketDraft,
  now: Date,
  categories: readonly string[],
  isPhone: (text: string) => boolean,
  opts: { zone?: string; requireExpected?: boolean } = {},
): FieldProblems {
  const problems: FieldProblems = {};
  const tooLong = (field: string, value: string | undefined, max: number) => checkLength(problems, field, value, max);
  if (draft.customerId === undefined && !draft.newCustomerName?.trim()) {
    problems.customer = { key: 'error.customer_required' };
  }
  tooLong('new_customer', draft.newCustomerName, TICKET_LIMITS.customerName);
  if (!draft.title?.trim()) problems.title = { key: 'error.title_required' };
  tooLong('title', draft.title, TICKET_LIMITS.title);
  tooLong('description', draft.description, TICKET_LIMITS.description);
  tooLong('site', draft.site, TICKET_LIMITS.site);
  tooLong('caller_name', draft.callerName, TICKET_LIMITS.callerName);
  tooLong('product', draft.product, TICKET_LIMITS.product);
  tooLong('caller_phone', draft.callerPhone, TICKET_LIMITS.callerPhone);
  if (!problems.caller_phone && draft.callerPhone?.trim() && !isPhone(draft.callerPhone)) problems.caller_phone = { key: 'error.phone_invalid' };
  if (!draft.priority || !['P1', 'P2', 'P3', 'P4'].includes(draft.priority)) problems.priority = { key: 'error.priority_required' };
  if (!draft.category || !categories.includes(draft.category)) problems.category = { key: 'error.category_required' };
  checkExpected(problems, draft, now, opts.zone ?? 'UTC', opts.requireExpected ?? false);
  return problems;
}

/** The expected time: required from a person (a preset or an exact time), never in the past. */
function checkExpected(problems: FieldProblems, draft: TicketDraft, now: Date, zone: string, required: boolean): void {
  if (draft.expectedAt) {
    if (draft.expectedAt.getTime() <= now.getTime()) problems.expected = { key: 'error.expected_in_past' };
    return;
  }
  if (draft.expectedPreset !== undefined) {
    if (!isExpectedPreset(draft.expectedPreset)) problems.expected_preset = { key: 'error.expected_required' };
    else if ((presetTime(draft.expectedPreset, now, zone)?.getTime() ?? Infinity) <= now.getTime()) problems.expected_preset = { key: 'error.expected_preset_passed' };
    return;
  }
  if (required) problems.expected = { key: 'error.expected_required' };
}

/** Checks the Resolve form: cause, fix and a configured fault category, within their limits. */
export function validateResolution(r: { cause: string; fix: string; faultCategory: string }, categories: readonly string[]): FieldProblems {
  const problems: FieldProblems = {};
  checkRequiredText(problems, 'cause', r.cause, TICKET_LIMITS.cause);
  checkRequiredText(problems, 'fix', r.fix, TICKET_LIMITS.fix);
  if (!categories.includes(r.faultCategory)) problems.fault_category = { key: 'error.required' };
  return problems;
}

/** Checks the Cancel form: a reason within its limit. */
export function validateCancelReason(reason: string): FieldProblems {
  const problems: FieldProblems = {};
  checkRequiredText(problems, 'reason', reason, TICKET_LIMITS.reason);
  return problems;
}

/** Checks one remote step: what was done and its result, within their limits. */
export function validateRemoteStep(s: { step: string; result: string }): FieldProblems {
  const problems: FieldProblems = {};
  checkRequiredText(problems, 'step', s.step, TICKET_LIMITS.step);
  checkRequiredText(problems, 'result', s.result, TICKET_LIMITS.result);
  return problems;
}

/** Checks the consent form: who agreed (within its limit), a known method, and not in the future (a minute of clock skew allowed). */
export function validateConsent(c: { consentedBy: string; method: string; consentedAt: Date }, now: Date): FieldProblems {
  const problems: FieldProblems = {};
  checkRequiredText(problems, 'consented_by', c.consentedBy, TICKET_LIMITS.consentedBy);
  if (!(CONSENT_METHODS as readonly string[]).includes(c.method)) problems.consent_method = { key: 'error.required' };
  if (c.consentedAt.getTime() > now.getTime() + 60_000) problems.consented_at = { key: 'error.consent_in_future' };
  return problems;
}
