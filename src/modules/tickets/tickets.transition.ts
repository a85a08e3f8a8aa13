// The one path every ticket change takes (SPEC §3.1): lock the row, refuse stale clicks, check the
// state, the actor's role and other modules' guards, apply, record the event and queue the Slack
// messages — all in one transaction. Every action goes through `transition`: buttons, jobs,
// extensions, reopen, and whatever later modules (alerts, change requests) do to a ticket.
import type { Config } from '../../config/config.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { DomainError, ValidationError } from '../../platform/errors.js';
import type { MessageKey } from '../../platform/i18n.js';
import { canDispatch, rolesOf } from '../../platform/roles.js';
import { ALWAYS, slaRules as sla, type Calendar } from '../sla/index.js';
import * as store from './tickets.store.js';
import type { Ticket, TicketWithCustomer } from './tickets.store.js';
import { canStart, nextState, type FieldProblems, type TicketAction, type TicketState } from './tickets.rules.js';

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

/**
 * Work other modules start after a new ticket committed, without the ticket waiting for it (the kb
 * hint): called once, never awaited; the listener runs its work in the background and handles its
 * own failures.
 */
export type TicketAfterCreatedHook = (ticket: TicketWithCustomer) => void;

export type TicketGuard = (tx: Db, ticket: Ticket, action: TicketAction, actor: string) => Promise<void>;

export interface TicketDeps {
  db: Db;
  clock: Clock;
  config: Config;
  /** The calendars of opsdesk.yml by name, plus "24x7". */
  calendars: ReadonlyMap<string, Calendar>;
  notify: TicketNotifier;
  /**
   * The "ticket created" event: what higher modules (the P1 urgent path, on-call paging) do in the
   * creating transaction, after the ticket's own message is queued. Wired in the composition root.
   */
  readonly onCreated: readonly TicketCreatedHook[];
  /** The "ticket committed" event: started after the commit and not awaited (similar articles in its thread). */
  readonly afterCreated?: readonly TicketAfterCreatedHook[];
  /** Checks higher modules add to a change (e.g. no resolve while a visit order is open); throw a DomainError to refuse. */
  readonly guards: readonly TicketGuard[];
  /** Called after a commit that queued messages, to wake the outbox worker. */
  queued: () => void;
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

/** Other modules' checks; a refusal comes back as the error to raise (audited like the others). */
async function runGuards(deps: TicketDeps, db: Db, t: Ticket, action: TicketAction, actor: string): Promise<DomainError | undefined> {
  try {
    for (const guard of deps.guards) await guard(db, t, action, actor);
    return undefined;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

/** What an action does to a ticket, beyond the state move the rules decide. */
export interface Step {
  patch: Partial<store.NewTicketRow>;
  note?: string;
  assignee?: string;
  /** The event kind when it is not the action's name. */
  kind?: 'auto_close' | 'remote_consent';
  /** More for the event's data (e.g. an extension's committed time). */
  data?: Record<string, unknown>;
  /** More for the thread reply (e.g. an extension's committed time and who consented). */
  change?: Pick<TicketChange, 'committedAt' | 'consentedBy'>;
}

/**
 * The one path every ticket change takes: lock the row, refuse stale clicks, check the state and
 * the actor's role, apply, record the event and queue the Slack messages — all in one transaction.
 * With a `requestKey` (kept in the event's data) a change already recorded under that key is not
 * made again: the ticket is returned as it is, nothing is written or sent.
 */
export async function transition(
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
        data: eventData(step, requestKey),
      });
      const updated = (await store.getTicket(tx, t.id))!;
      await deps.notify.changed(tx, updated, { action: step.kind ?? action, actor, from: t.state, to, note: step.note, assignee: step.assignee, ...step.change });
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

/** The event's data: the new assignee, the request key, and what the step adds; null when empty. */
function eventData(step: Step, requestKey: string | undefined): Record<string, unknown> | null {
  const data = { ...(step.assignee ? { assignee: step.assignee } : {}), ...(requestKey ? { requestKey } : {}), ...step.data };
  return Object.keys(data).length > 0 ? data : null;
}

export function throwIfProblems(problems: FieldProblems): void {
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
export function withNextCheck<T extends Partial<sla.SlaClocks>>(clocks: T & Pick<sla.SlaClocks, 'state'>): T & { nextCheckAt: Date | null } {
  return { ...clocks, nextCheckAt: sla.nextCheckAt(clocks as sla.SlaClocks) };
}
