// Ticket use cases (SPEC §3.1): open a ticket, and every action on it through the one transition
// (tickets.transition.ts) that checks, writes and queues the Slack messages in one transaction.
import { DateTime } from 'luxon';
import { audit } from '../../platform/audit.js';
import { nextSeq } from '../../platform/counters.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import { findOrCreateCustomer, getCustomer, normalizePhone, searchCustomers, type Customer } from '../customers/index.js';
import { slaRules as sla } from '../sla/index.js';
import * as store from './tickets.store.js';
import type { Ticket, TicketWithCustomer } from './tickets.store.js';
import { isExpectedPreset, presetTime, ticketKey, validateCancelReason, validateConsent, validateRemoteStep, validateResolution, validateTicketDraft, type TicketDraft, type TicketOriginKind } from './tickets.rules.js';
import type { Config } from '../../config/config.js';
import { canDispatch } from '../../platform/roles.js';
import { calendarOf, SYSTEM_ACTOR, throwIfProblems, transition, withNextCheck, type TicketDeps } from './tickets.transition.js';

export interface TicketOrigin {
  channel?: string;
  messageTs?: string;
  /** A person in Slack (default) or a monitoring alert (SPEC §3.10). */
  kind?: TicketOriginKind;
}

/**
 * Opens a ticket. `requestKey` (the modal's view id) makes a repeated submission return the ticket
 * the first one opened. Throws ValidationError with field problems and writes nothing when invalid.
 *
 * Every ticket records the customer's expected time (SPEC §3.1): an exact time, else the preset's,
 * else the SLA's resolution due time. `byPerson` (the form: someone took the customer's call)
 * requires an exact time or a preset; automatic origins (patrols, alerts, follow-ups) take the SLA's.
 */
export async function openTicket(
  deps: TicketDeps,
  draft: TicketDraft,
  actor: string,
  opts: { requestKey?: string; origin?: TicketOrigin; byPerson?: boolean } = {},
): Promise<TicketWithCustomer> {
  const { db, clock, config } = deps;
  const now = clock.now();
  const problems = validateTicketDraft(draft, now, config.tickets.categories, (p) => normalizePhone(p) !== undefined, { zone: config.timezone, requireExpected: opts.byPerson ?? false });
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
    const clocks = sla.openingClocks(calendarOf(deps, target.calendar), now, target);
    const preset = isExpectedPreset(draft.expectedPreset) ? presetTime(draft.expectedPreset, now, config.timezone) : undefined;
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
      expectedAt: draft.expectedAt ?? preset ?? clocks.resolutionDueAt,
      createdBy: actor,
      origin: opts.origin?.kind ?? 'slack',
      originChannel: opts.origin?.channel ?? null,
      originMessageTs: opts.origin?.messageTs ?? null,
      slackChannel: config.channels.support ?? opts.origin?.channel ?? null,
      ...withNextCheck({ state: 'new' as const, acknowledgedAt: null, ...clocks }),
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
  for (const listener of deps.afterCreated ?? []) listener(created);
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

const clean = (text: string | undefined) => (text?.trim() ? text.trim() : null);

/** Customers whose name matches what is typed in the ticket form (its external select). */
export function suggestCustomers(deps: Pick<TicketDeps, 'db'>, query: string): Promise<Customer[]> {
  return searchCustomers(deps.db, query);
}

/** A ticket by its human id (OPS-2026-7), with its customer's name; undefined when there is none. */
export function findTicket(deps: Pick<TicketDeps, 'db'>, key: string): Promise<TicketWithCustomer | undefined> {
  return store.getTicketByKey(deps.db, key);
}

/** A ticket by its row id, with its customer's name; undefined when there is none. */
export function getTicketById(deps: Pick<TicketDeps, 'db'>, id: number, tx = deps.db): Promise<TicketWithCustomer | undefined> {
  return store.getTicket(tx, id);
}

