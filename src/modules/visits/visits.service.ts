// Visit-order use cases (SPEC §3.2): load, check rules and roles, write in one transaction with the
// Slack messages the change causes (through the notifier, into the outbox). Field steps are in
// visits.field.ts, the customer's sign-off in signoff.service.ts; all go through `transition`.
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { nextSeq } from '../../platform/counters.js';
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import { canDispatch, rolesOf } from '../../platform/roles.js';
import { getCustomer, normalizePhone } from '../customers/index.js';
import { getTicketById, isOpen, lockTicketRow, type TicketWithCustomer } from '../tickets/index.js';
import type { OutboxMessage } from '../../outbox/outbox.js';
import * as store from './visits.store.js';
import type { VisitOrder, VisitOrderView } from './visits.store.js';
// The row types the Slack side and the web page render (they never import the store).
export type { VisitEvent, VisitOrder, VisitOrderView, VisitSignoff } from './visits.store.js';
import { nextVisitCheckAt, type VisitSlaStage, type VisitSlaTarget } from './visits.sla.rules.js';
import {
  canStart,
  checkText,
  nextState,
  validateVisitDraft,
  visitKey,
  VISIT_LIMITS,
  windowEndOf,
  type ArrivalPunctuality,
  type LateNoticeCheck,
  type Problems,
  type VisitAction,
  type VisitDraft,
  type VisitState,
} from './visits.rules.js';

/** The actor recorded for what opsdesk does by itself (visit-watch). */
export const SYSTEM_ACTOR = 'opsdesk';
/** The actor recorded when the customer signs off on the web page. */
export const CUSTOMER_ACTOR = 'customer';

export type VisitEventKind = VisitAction | 'created' | 'reannounced' | 'escalated' | 'missed_notice';

/** A change as the thread reply tells it. */
export interface VisitChange {
  action: VisitEventKind;
  actor: string;
  from: VisitState;
  to: VisitState;
  note?: string;
  /** The engineer after accept or reassign, and the one before a reassign. */
  engineer?: string;
  previousEngineer?: string;
  late?: LateNoticeCheck & { eta: Date; newWindow: boolean };
  arrival?: { punctuality: ArrivalPunctuality; offsetMinutes: number | null };
  call?: { attempt: number; max: number; result: string };
  /** A fresh sign-off link: only ever sent to the engineer in a DM. */
  signoff?: { url: string; code: string; expiresAt: Date };
}

/** How the domain tells Slack: implementations queue outbox rows in the given transaction. */
export interface VisitNotifier {
  created(tx: Db, order: VisitOrderView): Promise<void>;
  changed(tx: Db, order: VisitOrderView, change: VisitChange): Promise<void>;
  /** visit-watch notices; each returns how many messages were queued (0: already posted once). */
  reannounced(tx: Db, order: VisitOrderView): Promise<number>;
  escalated(tx: Db, order: VisitOrderView, waitedMinutes: number): Promise<number>;
  /** `escalate: false` when the SLA sweep's arrival breach already told the escalation channel. */
  missedNotice(tx: Db, order: VisitOrderView, opts: { escalate: boolean }): Promise<number>;
  /** The messages of one SLA stage (warning or breach), each with a dedupe key; the sweep queues them. */
  slaMessages(alert: VisitSlaAlert): OutboxMessage[];
}

/** A visit order's SLA stage to announce, as the notifier needs it. */
export interface VisitSlaAlert {
  order: VisitOrderView;
  target: VisitSlaTarget;
  stage: VisitSlaStage;
  dueAt: Date;
  now: Date;
}

export interface VisitDeps {
  db: Db;
  clock: Clock;
  config: Config;
  notify: VisitNotifier;
  /** Called after a commit that queued messages, to wake the outbox worker. */
  queued: () => void;
}

/** What the form starts with when a visit is requested from a ticket. */
export interface VisitPrefill {
  ticket: TicketWithCustomer;
  address: string;
  contactName: string;
  /** Only when the requester may see the full number (the ticket's assignee or dispatch). */
  contactPhone?: string;
  need: string;
  requestedStart?: Date;
}

const isTeam = (config: Config, actor: string) => rolesOf(config.roles, actor).has('engineer') || canDispatch(config.roles, actor);

/** Checks a visit may be requested for the ticket (audits a refusal); returns the ticket. */
export async function checkVisitRequest(deps: VisitDeps, ticketId: number, actor: string, tx: Db = deps.db): Promise<TicketWithCustomer> {
  const { config, clock } = deps;
  const ticket = await getTicketById(deps, ticketId, tx);
  if (!ticket) throw new DomainError('not_found', 'ticket.not_found', { key: String(ticketId) });
  if (!isTeam(config, actor)) {
    await audit(deps.db, { at: clock.now(), actor, action: 'visit.request', subject: `ticket:${ticketId}`, outcome: 'refused' });
    throw new DomainError('refused', 'visit.request_not_allowed', { key: ticket.key });
  }
  if (!isOpen(ticket.state)) throw new DomainError('invalid', 'visit.ticket_not_open', { key: ticket.key, state: ticket.state });
  const active = await store.activeOrderOfTicket(tx, ticketId);
  if (active) throw new DomainError('conflict', 'visit.ticket_has_order', { key: ticket.key, order: active.key, state: active.state });
  return ticket;
}

/**
 * Checks a visit may be requested and gathers the form's prefill. The full phone is given only to
 * the ticket's assignee or dispatch roles, and that read is audited.
 */
export async function prepareVisitRequest(deps: VisitDeps, ticketId: number, actor: string): Promise<VisitPrefill> {
  const { db, config, clock } = deps;
  const ticket = await checkVisitRequest(deps, ticketId, actor);
  const customer = await getCustomer(db, ticket.customerId);
  const phone = ticket.callerPhone ?? customer?.phone ?? undefined;
  const mayRead = ticket.assignee === actor || canDispatch(config.roles, actor);
  if (phone && mayRead) await audit(db, { at: clock.now(), actor, action: 'customer.phone.read', subject: `ticket:${ticketId}`, outcome: 'ok' });
  const expected = ticket.expectedAt && ticket.expectedAt.getTime() > clock.now().getTime() ? ticket.expectedAt : undefined;
  return {
    ticket,
    address: customer?.address ?? ticket.site ?? '',
    contactName: ticket.callerName ?? customer?.contactName ?? '',
    contactPhone: mayRead ? phone : undefined,
    need: [ticket.title, ticket.description].filter(Boolean).join('\n'),
    requestedStart: expected ? DateTime.fromJSDate(expected, { zone: config.timezone }).startOf('hour').toJSDate() : undefined,
  };
}

/**
 * Creates a visit order from a ticket and posts it to the dispatch channel. `requestKey` (the
 * modal's view id) makes a repeated submission return the first order. Throws ValidationError and
 * writes nothing when the draft is invalid.
 */
export async function createVisitOrder(deps: VisitDeps, ticketId: number, draft: VisitDraft, actor: string, opts: { requestKey?: string } = {}): Promise<VisitOrderView> {
  const { db, clock, config } = deps;
  const now = clock.now();
  const problems = validateVisitDraft(draft, now, (p) => normalizePhone(p) !== undefined);
  if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  if (opts.requestKey) {
    const existing = await store.getVisitOrderByRequestKey(db, opts.requestKey);
    if (existing) return existing;
  }
  await checkVisitRequest(deps, ticketId, actor);
  const created = await db.transaction(async (tx) => {
    // One order under way per ticket, even when two people submit at once: queue on the ticket row.
    await lockTicketRow(tx, ticketId);
    const ticket = await checkVisitRequest(deps, ticketId, actor, tx);
    const year = DateTime.fromJSDate(now, { zone: config.timezone }).year;
    const seq = await nextSeq(tx, 'VO', year);
    const start = draft.requestedStart!;
    const row = await store.insertVisitOrder(tx, {
      key: visitKey(year, seq),
      ticketId,
      customerId: ticket.customerId,
      address: draft.address!.trim(),
      contactName: draft.contactName!.trim(),
      contactPhone: normalizePhone(draft.contactPhone!)!,
      need: draft.need!.trim(),
      requestedStart: start,
      requestedEnd: windowEndOf(start),
      state: 'open',
      createdBy: actor,
      slackChannel: config.channels.dispatch ?? ticket.slackChannel ?? null,
      requestKey: opts.requestKey ?? null,
      nextCheckAt: nextVisitCheckAt({ state: 'open', createdAt: now, windowStart: null, windowAgreedAt: null, arrivedAt: null, slaPosted: 0 }, config.visits.accept_timeout),
      createdAt: now,
      updatedAt: now,
    });
    if (!row) return undefined; // the same submission won a race: roll back and return its order
    await store.insertVisitEvent(tx, { orderId: row.id, at: now, actor, kind: 'created', toState: 'open' });
    const order = { ...row, customerName: ticket.customerName, ticketKey: ticket.key };
    await deps.notify.created(tx, order);
    return order;
  });
  if (!created) return (await store.getVisitOrderByRequestKey(db, opts.requestKey!))!;
  deps.queued();
  return created;
}

/** Keeps where the order's dispatch message landed (the outbox worker, after Slack answered). Not a change: no version bump. */
export function recordDispatchMessage(tx: Db, orderId: number, channel: string, ts: string): Promise<void> {
  return store.updateVisitOrder(tx, orderId, { slackChannel: channel, slackTs: ts }, false);
}

/** Accept: the first click wins; later clicks learn who took it. */
export function acceptVisit(deps: VisitDeps, orderId: number, actor: string) {
  return transition(deps, orderId, actor, 'accept', undefined, () => ({ patch: { engineer: actor, acceptedAt: deps.clock.now() }, engineer: actor }));
}

/**
 * Decline with a reason. An engineer's decline is recorded and the order stays open for others; a
 * dispatcher's decline refuses the order (state `declined`).
 */
export function declineVisit(deps: VisitDeps, orderId: number, actor: string, reason: string) {
  const problems: Problems = {};
  checkText(problems, 'reason', reason, VISIT_LIMITS.reason);
  if (Object.keys(problems).length > 0) return Promise.reject(new ValidationError(problems));
  return transition(deps, orderId, actor, 'decline', undefined, async (o, tx) => {
    const byDispatch = canDispatch(deps.config.roles, actor);
    if (!byDispatch && (await store.listDeclines(tx, o.id)).some((d) => d.actor === actor)) {
      throw new DomainError('conflict', 'visit.already_declined', { key: o.key });
    }
    return byDispatch ? { patch: { closeReason: reason.trim() }, note: reason.trim(), to: 'declined' } : { patch: {}, note: reason.trim() };
  });
}

/** Reassign (dispatchers): hands the order to another engineer, who is told in a DM. */
export function reassignVisit(deps: VisitDeps, orderId: number, actor: string, engineer: string, version?: number) {
  return transition(deps, orderId, actor, 'reassign', version, (o) => {
    if (o.engineer === engineer) throw new ValidationError({ engineer: { key: 'visit.error.same_engineer' } });
    if (!rolesOf(deps.config.roles, engineer).has('engineer')) throw new ValidationError({ engineer: { key: 'visit.error.not_engineer' } });
    return { patch: { engineer, acceptedAt: o.acceptedAt ?? deps.clock.now() }, engineer, previousEngineer: o.engineer ?? undefined };
  });
}

/** Cancel with a reason (dispatchers, or whoever requested it while nobody has accepted). */
export function cancelVisit(deps: VisitDeps, orderId: number, actor: string, reason: string, version?: number) {
  const problems: Problems = {};
  checkText(problems, 'reason', reason, VISIT_LIMITS.reason);
  if (Object.keys(problems).length > 0) return Promise.reject(new ValidationError(problems));
  return transition(deps, orderId, actor, 'cancel', version, () => ({ patch: { closeReason: reason.trim() }, note: reason.trim() }));
}

/** Archive (交单归档) after the customer's confirmation: freezes the order. */
export function archiveVisit(deps: VisitDeps, orderId: number, actor: string, version?: number) {
  return transition(deps, orderId, actor, 'archive', version, () => ({ patch: { archivedAt: deps.clock.now(), archivedBy: actor } }));
}

/** Who may take an action on an order, apart from the state. */
function mayAct(config: Config, o: VisitOrder, actor: string, action: VisitAction): boolean {
  const dispatch = canDispatch(config.roles, actor);
  switch (action) {
    case 'accept':
    case 'decline':
      return isTeam(config, actor);
    case 'reassign':
      return dispatch;
    case 'cancel':
      return dispatch || (o.state === 'open' && o.createdBy === actor);
    case 'new_link':
    case 'archive':
      return dispatch || o.engineer === actor;
    case 'callback':
      return isTeam(config, actor) && !isOrdersEngineer(o, actor);
    case 'confirm':
      return actor === CUSTOMER_ACTOR;
    default:
      return o.engineer === actor;
  }
}

const isOrdersEngineer = (o: VisitOrder, actor: string) => o.engineer === actor || o.completedBy === actor;

/**
 * The checks every change passes, in order: a taken order, a stale message, the state, the actor's
 * role. Returns the error to raise, or undefined when the action may go ahead.
 */
export function checkAction(config: Config, o: VisitOrder, actor: string, action: VisitAction, version?: number): DomainError | undefined {
  if (action === 'accept' && o.state !== 'open') {
    if (o.engineer && o.engineer !== actor) return new DomainError('conflict', 'visit.already_taken', { key: o.key, user: o.engineer });
    if (o.engineer === actor) return new DomainError('conflict', 'visit.already_done', { key: o.key, state: o.state });
  }
  // Accept and decline act on an open order whatever else changed; the rest refuse a stale message.
  if (version !== undefined && version !== o.version && action !== 'accept' && action !== 'decline') {
    const done = nextState(action, o.state) === o.state;
    return new DomainError('conflict', done ? 'visit.already_done' : 'visit.stale', { key: o.key, state: o.state });
  }
  if (!canStart(action, o.state)) return new DomainError('invalid', 'visit.invalid_transition', { key: o.key, state: o.state, action });
  if ((action === 'confirm' || action === 'callback') && actor !== CUSTOMER_ACTOR && isOrdersEngineer(o, actor)) {
    return new DomainError('refused', 'visit.engineer_cannot_confirm', { key: o.key });
  }
  if (!mayAct(config, o, actor, action)) return new DomainError('refused', 'visit.not_allowed', { key: o.key, action });
  if (action === 'arrive' && o.state === 'accepted' && o.callAttempts < config.visits.max_call_attempts) {
    return new DomainError('invalid', 'visit.confirm_window_first', { key: o.key });
  }
  if (action === 'left_note' && o.callAttempts < config.visits.max_call_attempts) {
    return new DomainError('invalid', 'visit.call_first', { key: o.key, attempts: o.callAttempts, max: config.visits.max_call_attempts });
  }
  return undefined;
}

/**
 * Checks an action before its form is shown, so nobody fills in a form only to be refused.
 * Returns the order; throws (and audits a refusal) like the change itself would.
 */
export async function prepareAction(deps: VisitDeps, orderId: number, actor: string, action: VisitAction, version?: number): Promise<VisitOrderView> {
  const o = await store.getVisitOrder(deps.db, orderId);
  if (!o) throw new DomainError('not_found', 'visit.not_found', { key: String(orderId) });
  const problem = checkAction(deps.config, o, actor, action, version);
  if (problem?.kind === 'refused') await auditRefusal(deps, actor, action, orderId, deps.clock.now());
  if (problem) throw problem;
  return o;
}

/** The contact's full phone number: only for the order's engineer (or dispatch roles); every read is audited. */
export async function revealVisitPhone(deps: VisitDeps, orderId: number, actor: string): Promise<VisitOrderView> {
  const o = await store.getVisitOrder(deps.db, orderId);
  if (!o) throw new DomainError('not_found', 'visit.not_found', { key: String(orderId) });
  const allowed = o.engineer === actor || canDispatch(deps.config.roles, actor);
  await audit(deps.db, { at: deps.clock.now(), actor, action: 'customer.phone.read', subject: `visit:${o.id}`, outcome: allowed ? 'ok' : 'refused' });
  if (!allowed) throw new DomainError('refused', 'visit.phone_engineer_only', { key: o.key });
  return o;
}

export interface Step {
  patch: Partial<store.NewVisitOrderRow>;
  note?: string;
  /** The state to move to when the action's own rule leaves it to the service (decline). */
  to?: VisitState;
  engineer?: string;
  previousEngineer?: string;
  data?: Record<string, unknown>;
  change?: Partial<VisitChange>;
}

const auditRefusal = (deps: VisitDeps, actor: string, action: VisitAction, orderId: number, at: Date) =>
  audit(deps.db, { at, actor, action: `visit.${action}`, subject: `visit:${orderId}`, outcome: 'refused' });

/**
 * The one path every order change takes: lock the row, refuse stale clicks, check the state and
 * the actor's role, apply, record the event and queue the Slack messages — all in one transaction.
 */
export async function transition(
  deps: VisitDeps,
  orderId: number,
  actor: string,
  action: VisitAction,
  version: number | undefined,
  apply: (order: VisitOrder, tx: Db) => Step | Promise<Step>,
): Promise<VisitOrderView> {
  const { db, clock, config } = deps;
  const now = clock.now();
  let refusal: DomainError | undefined;
  try {
    const result = await db.transaction(async (tx) => {
      const o = await store.lockVisitOrder(tx, orderId);
      if (!o) throw new DomainError('not_found', 'visit.not_found', { key: String(orderId) });
      refusal = checkAction(config, o, actor, action, version);
      if (refusal) throw refusal;
      const step = await apply(o, tx);
      const to = step.to ?? nextState(action, o.state) ?? o.state;
      // Every change may start or stop an SLA clock: the sweep's next look follows the new row.
      const nextCheckAt = nextVisitCheckAt({ ...o, ...step.patch, state: to } as VisitOrder, config.visits.accept_timeout);
      await store.updateVisitOrder(tx, o.id, { ...step.patch, state: to, nextCheckAt, updatedAt: now });
      const data = { ...(step.engineer ? { engineer: step.engineer } : {}), ...(step.previousEngineer ? { previousEngineer: step.previousEngineer } : {}), ...step.data };
      await store.insertVisitEvent(tx, { orderId: o.id, at: now, actor, kind: action, fromState: o.state, toState: to, note: step.note ?? null, data: Object.keys(data).length > 0 ? data : null });
      const updated = (await store.getVisitOrder(tx, o.id))!;
      await deps.notify.changed(tx, updated, { action, actor, from: o.state, to, note: step.note, engineer: step.engineer, previousEngineer: step.previousEngineer, ...step.change });
      return updated;
    });
    deps.queued();
    return result;
  } catch (err) {
    if (refusal && err === refusal && refusal.kind === 'refused') await auditRefusal(deps, actor, action, orderId, now);
    throw err;
  }
}
