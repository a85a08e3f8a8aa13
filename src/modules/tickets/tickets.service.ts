// Ticket use cases (SPEC §3.1): load, check rules and roles, write in one transaction with the
// Slack messages the change causes (through the notifier, into the outbox).
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { nextSeq } from '../../platform/counters.js';
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import type { MessageKey } from '../../platform/i18n.js';
import { canDispatch, rolesOf } from '../../platform/roles.js';
import { ALWAYS, type Calendar } from '../sla/calendar.rules.js';
import * as sla from '../sla/sla.rules.js';
import { findOrCreateCustomer, getCustomer } from '../customers/customers.store.js';
import { normalizePhone } from '../customers/phone.rules.js';
import * as store from './tickets.store.js';
import type { Ticket, TicketWithCustomer } from './tickets.store.js';
import {
  canStart,
  nextState,
  ticketKey,
  validateCancelReason,
  validateConsent,
  validateRemoteStep,
  validateResolution,
  validateTicketDraft,
  type FieldProblems,
  type TicketAction,
  type TicketDraft,
  type TicketState,
} from './tickets.rules.js';

/** A change as the thread reply tells it. */
export interface TicketChange {
  action: TicketAction | 'created' | 'auto_close' | 'remote_consent';
  actor: string;
  from: TicketState;
  to: TicketState;
  note?: string;
  /** The new assignee, for take and assign. */
  assignee?: string;
  /** For extend: the new committed time and who consented. */
  committedAt?: Date;
  consentedBy?: string;
}

/** How the domain tells Slack: implementations queue outbox rows in the given transaction. */
export interface TicketNotifier {
  created(tx: Db, ticket: TicketWithCustomer): Promise<void>;
  changed(tx: Db, ticket: TicketWithCustomer, change: TicketChange): Promise<void>;
}

/** Work other modules attach to a new ticket, in its creating transaction (P1 urgent path, paging). */
export type TicketCreatedHook = (tx: Db, ticket: TicketWithCustomer) => Promise<void>;

export type TicketGuard = (tx: Db, ticket: Ticket, action: TicketAction, actor: string) => Promise<void>;

export interface TicketDeps {
  db: Db;
  clock: Clock;
  config: Config;
  /** The calendars of opsdesk.yml by name, plus "24x7". */
  calendars: ReadonlyMap<string, Calendar>;
  notify: TicketNotifier;
  /** Run in the creating transaction after the ticket's own message is queued. */
  onCreated?: TicketCreatedHook[];
  /** Checks other modules add to a change (e.g. no resolve while a visit order is open); throw a DomainError to refuse. */
  guards?: TicketGuard[];
  /** Called after a commit that queued messages, to wake the outbox worker. */
  queued: () => void;
}

export interface TicketOrigin {
  channel?: string;
  messageTs?: string;
}

/**
 * Opens a ticket. `requestKey` (the modal's view id) makes a repeated submission return the ticket
 * the first one opened. Throws ValidationError with field problems and writes nothing when invalid.
 */
export async function openTicket(
  deps: TicketDeps,
  draft: TicketDraft,
  actor: string,
  opts: { requestKey?: string; origin?: TicketOrigin } = {},
): Promise<TicketWithCustomer> {
  const { db, clock, config } = deps;
  const now = clock.now();
  const problems = validateTicketDraft(draft, now, config.tickets.categories, (p) => normalizePhone(p) !== undefined);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  if (opts.requestKey) {
    const existing = await store.getTicketByRequestKey(db, opts.requestKey);
    if (existing) return existing;
  }
  const created = await db.transaction(async (tx) => {
    const customer =
      draft.customerId !== undefined
        ? await getCustomer(tx, draft.customerId)
        : await findOrCreateCustomer(tx, draft.newCustomerName!.trim(), now);
    if (!customer) throw new DomainError('invalid', 'error.customer_required', {}, 'customer');
    const priority = draft.priority as Ticket['priority'];
    const policy = config.sla.customers[customer.name] ?? config.sla.default;
    const target = policy[priority];
    const year = DateTime.fromJSDate(now, { zone: config.timezone }).year;
    const seq = await nextSeq(tx, 'OPS', year);
    const row = await store.insertTicket(tx, {
      key: ticketKey(year, seq),
      customerId: customer.id,
      site: clean(draft.site),
      callerName: clean(draft.callerName),
      callerPhone: draft.callerPhone?.trim() ? normalizePhone(draft.callerPhone) : null,
      product: clean(draft.product),
      category: draft.category!,
      priority,
      title: draft.title!.trim(),
      description: clean(draft.description),
      expectedAt: draft.expectedAt ?? null,
      createdBy: actor,
      originChannel: opts.origin?.channel ?? null,
      originMessageTs: opts.origin?.messageTs ?? null,
      slackChannel: config.channels.support ?? opts.origin?.channel ?? null,
      ...withNextCheck({ state: 'new' as const, acknowledgedAt: null, ...sla.openingClocks(calendarOf(deps, target.calendar), now, target) }),
      requestKey: opts.requestKey ?? null,
      createdAt: now,
      updatedAt: now,
    });
    if (!row) return undefined; // the same submission won a race: roll back and return its ticket
    await store.insertEvent(tx, { ticketId: row.id, at: now, actor, kind: 'created', toState: 'new' });
    const ticket = { ...row, customerName: customer.name };
    await deps.notify.created(tx, ticket);
    for (const hook of deps.onCreated ?? []) await hook(tx, ticket);
    return ticket;
  });
  if (!created) return (await store.getTicketByRequestKey(db, opts.requestKey!))!;
  deps.queued();
  return created;
}

/** Take: assign to me and acknowledge (stops the response clock). */
export function takeTicket(deps: TicketDeps, ticketId: number, actor: string, version?: number) {
  return transition(deps, ticketId, actor, 'take', version, (t) => {
    if (t.assignee && t.assignee !== actor) {
      throw new DomainError('conflict', 'ticket.already_taken', { key: t.key, user: t.assignee });
    }
    return { patch: { assignee: actor, acknowledgedAt: deps.clock.now() }, assignee: actor };
  });
}

/** Assign (supervisors and dispatchers): hands the ticket to someone without acknowledging for them. */
export function assignTicket(deps: TicketDeps, ticketId: number, actor: string, assignee: string, version?: number) {
  return transition(deps, ticketId, actor, 'assign', version, (t) => {
    if (t.assignee === assignee) throw new DomainError('conflict', 'ticket.already_assigned', { key: t.key, user: assignee });
    return { patch: { assignee }, assignee };
  });
}

export function waitOnCustomer(deps: TicketDeps, ticketId: number, actor: string, note?: string, version?: number) {
  return transition(deps, ticketId, actor, 'wait_customer', version, () => ({ patch: {}, note }));
}

export function resumeTicket(deps: TicketDeps, ticketId: number, actor: string, version?: number) {
  return transition(deps, ticketId, actor, 'resume', version, () => ({ patch: {} }));
}

/** Resolve: cause, fix and fault category are required (handbook: record the solution for review). */
export function resolveTicket(
  deps: TicketDeps,
  ticketId: number,
  actor: string,
  resolution: { cause: string; fix: string; faultCategory: string },
  version?: number,
) {
  throwIfProblems(validateResolution(resolution, deps.config.tickets.categories));
  return transition(deps, ticketId, actor, 'resolve', version, () => ({
    patch: {
      cause: resolution.cause.trim(),
      fix: resolution.fix.trim(),
      faultCategory: resolution.faultCategory,
      resolvedAt: deps.clock.now(),
    },
    note: resolution.cause.trim(),
  }));
}

export function closeTicket(deps: TicketDeps, ticketId: number, actor: string, version?: number) {
  return transition(deps, ticketId, actor, 'close', version, () => ({ patch: { closedAt: deps.clock.now() } }));
}

export function reopenTicket(deps: TicketDeps, ticketId: number, actor: string, version?: number) {
  return transition(deps, ticketId, actor, 'reopen', version, () => ({ patch: { resolvedAt: null } }));
}

export function cancelTicket(deps: TicketDeps, ticketId: number, actor: string, reason: string, version?: number) {
  throwIfProblems(validateCancelReason(reason));
  return transition(deps, ticketId, actor, 'cancel', version, () => ({ patch: { cancelReason: reason.trim(), cancelledAt: deps.clock.now() }, note: reason.trim() }));
}

/**
 * Closes resolved tickets whose customer raised no objection within `tickets.auto_close_after`
 * (SPEC §3.1). Safe to run twice for the same time: a closed ticket is not resolved any more.
 */
export async function autoCloseResolved(deps: TicketDeps, now: Date, batch = 200): Promise<number> {
  const before = new Date(now.getTime() - deps.config.tickets.auto_close_after * 60_000);
  let closed = 0;
  for (const t of await store.listResolvedBefore(deps.db, before, batch)) {
    try {
      await transition(deps, t.id, SYSTEM_ACTOR, 'close', undefined, () => ({ patch: { closedAt: now }, kind: 'auto_close' }));
      closed++;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err; // reopened or closed meanwhile: nothing to do
    }
  }
  return closed;
}

/**
 * Records the customer's consent to a remote session (before any remote step). `requestKey` (the
 * form's view id) makes a repeated delivery of the same submission change nothing.
 */
export async function recordRemoteConsent(
  deps: TicketDeps,
  ticketId: number,
  actor: string,
  consent: { consentedBy: string; method: string; consentedAt: Date },
  opts: { requestKey?: string } = {},
): Promise<void> {
  const now = deps.clock.now();
  throwIfProblems(validateConsent(consent, now));
  await transition(deps, ticketId, actor, 'remote_step', undefined, async (_t, tx) => {
    await store.insertConsent(tx, {
      ticketId,
      consentedBy: consent.consentedBy.trim(),
      method: consent.method.trim(),
      consentedAt: consent.consentedAt,
      recordedBy: actor,
      recordedAt: now,
    });
    return { patch: {}, note: consent.consentedBy.trim(), kind: 'remote_consent' };
  }, opts.requestKey);
}

/**
 * Logs one remote-troubleshooting step and its result; refused without a recorded consent.
 * `requestKey` (the form's view id) makes a repeated delivery of the same submission change nothing.
 */
export async function logRemoteStep(deps: TicketDeps, ticketId: number, actor: string, step: { step: string; result: string }, opts: { requestKey?: string } = {}) {
  throwIfProblems(validateRemoteStep(step));
  return transition(deps, ticketId, actor, 'remote_step', undefined, async (t, tx) => {
    const consent = await store.latestConsent(tx, t.id);
    if (!consent) throw new DomainError('refused', 'ticket.consent_first', { key: t.key });
    await store.insertRemoteStep(tx, { ticketId: t.id, consentId: consent.id, step: step.step.trim(), result: step.result.trim(), actor, at: deps.clock.now() });
    return { patch: {}, note: `${step.step.trim()} → ${step.result.trim()}` };
  }, opts.requestKey);
}

/** The actor recorded for what opsdesk does by itself (auto-close, scheduled jobs). */
export const SYSTEM_ACTOR = 'opsdesk';

/**
 * Who may take an action on a ticket: dispatch roles always; any engineer may take a new ticket or
 * reopen a resolved one (the customer's objection reaches whoever answers the phone); the assignee
 * does the rest of the work on it.
 */
function mayAct(config: Config, ticket: Ticket, actor: string, action: TicketAction): boolean {
  if (actor === SYSTEM_ACTOR || canDispatch(config.roles, actor)) return true;
  const isEngineer = rolesOf(config.roles, actor).has('engineer');
  switch (action) {
    case 'assign':
      return false;
    case 'take':
    case 'reopen':
      return isEngineer;
    default:
      return isEngineer && ticket.assignee === actor;
  }
}

/** The refusal that names who may do it, for the actions whose rule is not "the assignee". */
const REFUSAL: Partial<Record<TicketAction, MessageKey>> = {
  assign: 'ticket.not_allowed_dispatch',
  take: 'ticket.not_allowed_team',
  reopen: 'ticket.not_allowed_team',
};

/**
 * The checks every change passes, in order: a stale message, the state, the actor's role. Returns
 * the error to raise, or undefined when the action may go ahead.
 */
export function checkAction(config: Config, t: Ticket, actor: string, action: TicketAction, version?: number): DomainError | undefined {
  if (action === 'take' && t.assignee && t.assignee !== actor && t.state !== 'new') {
    return new DomainError('conflict', 'ticket.already_taken', { key: t.key, user: t.assignee });
  }
  if (version !== undefined && version !== t.version) {
    // A double click or a click on an old message: say so and change nothing.
    const done = nextState(action, t.state) === t.state && (action !== 'take' || t.assignee === actor);
    return new DomainError('conflict', done ? 'ticket.already_done' : 'ticket.stale', { key: t.key, state: t.state });
  }
  if (!canStart(action, t.state)) return new DomainError('invalid', 'ticket.invalid_transition', { key: t.key, state: t.state, action });
  if (!mayAct(config, t, actor, action)) return new DomainError('refused', REFUSAL[action] ?? 'ticket.not_allowed', { key: t.key, action });
  return undefined;
}

/**
 * Checks an action before its form is shown, so nobody fills in a form only to be refused.
 * Returns the ticket; throws (and audits a refusal) like the change itself would.
 */
export async function prepareAction(deps: TicketDeps, ticketId: number, actor: string, action: TicketAction, version?: number): Promise<TicketWithCustomer> {
  const t = await store.getTicket(deps.db, ticketId);
  if (!t) throw new DomainError('not_found', 'ticket.not_found', { key: String(ticketId) });
  const problem = checkAction(deps.config, t, actor, action, version) ?? (await runGuards(deps, deps.db, t, action, actor));
  if (problem?.kind === 'refused') {
    await audit(deps.db, { at: deps.clock.now(), actor, action: `ticket.${action}`, subject: `ticket:${ticketId}`, outcome: 'refused' });
  }
  if (problem) throw problem;
  return t;
}

/**
 * Who may read a caller's full phone number: the assignee, and supervisors and dispatchers (who may
 * do everything the assignee may, as for visit orders). Everyone else sees it masked.
 */
export function mayReadPhone(config: Config, ticket: Pick<Ticket, 'assignee'>, actor: string): boolean {
  return ticket.assignee === actor || canDispatch(config.roles, actor);
}

/** The caller's full phone number (Show phone): refused unless `mayReadPhone`; every attempt is audited. */
export async function revealPhone(deps: TicketDeps, ticketId: number, actor: string): Promise<{ ticket: TicketWithCustomer; phone: string }> {
  const t = await store.getTicket(deps.db, ticketId);
  if (!t?.callerPhone) throw new DomainError('not_found', 'ticket.no_phone', { key: t?.key ?? String(ticketId) });
  const allowed = mayReadPhone(deps.config, t, actor);
  await audit(deps.db, { at: deps.clock.now(), actor, action: 'customer.phone.read', subject: `ticket:${t.id}`, outcome: allowed ? 'ok' : 'refused' });
  if (!allowed) throw new DomainError('refused', 'ticket.phone_assignee_only', { key: t.key });
  return { ticket: t, phone: t.callerPhone };
}

/**
 * The full phone for `/ticket OPS-…` details: given (and the read audited) only when
 * `mayReadPhone`; undefined means show it masked, which is not a read and not audited.
 */
export async function phoneForDetails(deps: TicketDeps, ticket: Ticket, actor: string): Promise<string | undefined> {
  if (!ticket.callerPhone || !mayReadPhone(deps.config, ticket, actor)) return undefined;
  await audit(deps.db, { at: deps.clock.now(), actor, action: 'customer.phone.read', subject: `ticket:${ticket.id}`, outcome: 'ok' });
  return ticket.callerPhone;
}

/** Other modules' checks; a refusal comes back as the error to raise (audited like the others). */
async function runGuards(deps: TicketDeps, db: Db, t: Ticket, action: TicketAction, actor: string): Promise<DomainError | undefined> {
  try {
    for (const guard of deps.guards ?? []) await guard(db, t, action, actor);
    return undefined;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

interface Step {
  patch: Partial<store.NewTicketRow>;
  note?: string;
  assignee?: string;
  /** The event kind when it is not the action's name. */
  kind?: 'auto_close' | 'remote_consent';
}

/**
 * The one path every ticket change takes: lock the row, refuse stale clicks, check the state and
 * the actor's role, apply, record the event and queue the Slack messages — all in one transaction.
 * With a `requestKey` (kept in the event's data) a change already recorded under that key is not
 * made again: the ticket is returned as it is, nothing is written or sent.
 */
async function transition(
  deps: TicketDeps,
  ticketId: number,
  actor: string,
  action: TicketAction,
  version: number | undefined,
  apply: (ticket: Ticket, tx: Db) => Step | Promise<Step>,
  requestKey?: string,
): Promise<TicketWithCustomer> {
  const { db, clock, config } = deps;
  const now = clock.now();
  let refusal: DomainError | undefined;
  let repeated = false;
  try {
    const result = await db.transaction(async (tx) => {
      const t = await store.lockTicket(tx, ticketId);
      if (!t) throw new DomainError('not_found', 'ticket.not_found', { key: String(ticketId) });
      // Checked under the row lock, before the state: the first delivery may have moved the state on.
      if (requestKey && (await store.hasEventWithRequestKey(tx, t.id, requestKey))) {
        repeated = true;
        return (await store.getTicket(tx, t.id))!;
      }
      refusal = checkAction(config, t, actor, action, version);
      if (refusal) throw refusal;
      refusal = await runGuards(deps, tx, t, action, actor);
      if (refusal) throw refusal;
      const step = await apply(t, tx);
      const to = nextState(action, t.state) ?? t.state;
      const patched = { ...t, ...step.patch, state: to };
      const clocks = slaChange(calendarOf(deps, t.slaCalendar), t, patched, action, now);
      const nextCheckAt = sla.nextCheckAt({ ...patched, ...clocks });
      await store.updateTicket(tx, t.id, { ...step.patch, ...clocks, nextCheckAt, state: to, updatedAt: now });
      await store.insertEvent(tx, {
        ticketId: t.id,
        at: now,
        actor,
        kind: step.kind ?? action,
        fromState: t.state,
        toState: to,
        note: step.note ?? null,
        data: step.assignee || requestKey ? { ...(step.assignee ? { assignee: step.assignee } : {}), ...(requestKey ? { requestKey } : {}) } : null,
      });
      const updated = (await store.getTicket(tx, t.id))!;
      await deps.notify.changed(tx, updated, { action: step.kind ?? action, actor, from: t.state, to, note: step.note, assignee: step.assignee });
      return updated;
    });
    if (!repeated) deps.queued();
    return result;
  } catch (err) {
    if (refusal && err === refusal && refusal.kind === 'refused') {
      await audit(db, { at: now, actor, action: `ticket.${action}`, subject: `ticket:${ticketId}`, outcome: 'refused' });
    }
    throw err;
  }
}

const clean = (text: string | undefined) => (text?.trim() ? text.trim() : null);

function throwIfProblems(problems: FieldProblems): void {
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
}

/** The calendar a target runs on (config validation guarantees the name exists). */
export function calendarOf(deps: Pick<TicketDeps, 'calendars'>, name: string): Calendar {
  return deps.calendars.get(name) ?? ALWAYS;
}

/** How a change moves the SLA clocks (SPEC §3.1): pause, resume, reopen; others only stop clocks. */
function slaChange(cal: Calendar, before: Ticket, after: Ticket, action: TicketAction, now: Date): Partial<sla.SlaClocks> {
  if (after.state === 'waiting_customer' && before.state !== 'waiting_customer') return sla.pause(now);
  if (before.state === 'waiting_customer' && after.state !== 'waiting_customer') return sla.resume(cal, before, now);
  if (action === 'reopen') return sla.reopen(cal, before, now);
  return {};
}

/** Adds the sweep's index column: when this ticket's next SLA stage comes. */
function withNextCheck<T extends Partial<sla.SlaClocks>>(clocks: T & Pick<sla.SlaClocks, 'state'>): T & { nextCheckAt: Date | null } {
  return { ...clocks, nextCheckAt: sla.nextCheckAt(clocks as sla.SlaClocks) };
}
