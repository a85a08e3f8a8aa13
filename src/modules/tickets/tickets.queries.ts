// Read use cases of tickets for the Slack side (lists, details, the consent on record): what the
// listeners, /ticket and Home show, so none of them touches a store or the database.
import * as store from './tickets.store.js';
import type { RemoteConsent, RemoteStep, TicketEvent, TicketWithCustomer } from './tickets.store.js';
import { listExtensions, type SlaExtension } from './tickets.sla.store.js';
import { phoneForDetails } from './tickets.service.js';
import type { TicketDeps } from './tickets.transition.js';

/** Open tickets posted in a channel (the team's queue), most urgent first. */
export function openTicketsInChannel(deps: Pick<TicketDeps, 'db'>, channel: string, limit: number): Promise<TicketWithCustomer[]> {
  return store.listOpenInChannel(deps.db, channel, limit);
}

/** Open tickets assigned to a user, most urgent first. */
export function openTicketsOf(deps: Pick<TicketDeps, 'db'>, userId: string, limit: number): Promise<TicketWithCustomer[]> {
  return store.listOpenAssignedTo(deps.db, userId, limit);
}

/** The latest remote-session consent recorded on a ticket; undefined when there is none yet. */
export function latestConsentOf(deps: Pick<TicketDeps, 'db'>, ticketId: number): Promise<RemoteConsent | undefined> {
  return store.latestConsent(deps.db, ticketId);
}

/** The remote-troubleshooting steps logged on a ticket, in order (for the knowledge base's form). */
export function remoteStepsOf(deps: Pick<TicketDeps, 'db'>, ticketId: number): Promise<RemoteStep[]> {
  return store.listRemoteSteps(deps.db, ticketId);
}

/** What `/ticket OPS-…` shows: the ticket, its timeline, remote steps, extensions, and maybe the full phone. */
export interface TicketDetails {
  ticket: TicketWithCustomer;
  events: TicketEvent[];
  steps: RemoteStep[];
  extensions: SlaExtension[];
  /** Given (and its read audited) only to whom `mayReadPhone` allows; otherwise the phone shows masked. */
  fullPhone: string | undefined;
}

/** A ticket's details as `actor` may see them; undefined when no ticket has that key. */
export async function ticketDetails(deps: TicketDeps, key: string, actor: string): Promise<TicketDetails | undefined> {
  const ticket = await store.getTicketByKey(deps.db, key);
  if (!ticket) return undefined;
  const [events, steps, extensions] = await Promise.all([store.listTicketEvents(deps.db, ticket.id), store.listRemoteSteps(deps.db, ticket.id), listExtensions(deps.db, ticket.id)]);
  const fullPhone = await phoneForDetails(deps, ticket, actor);
  return { ticket, events, steps, extensions, fullPhone };
}

/** Open tickets by priority and SLA state (ok, warning, breached, paused), for /metrics. */
export async function openTicketsBySla(deps: Pick<TicketDeps, 'db'>): Promise<{ priority: string; slaState: string; count: number }[]> {
  return store.countOpenBySla(deps.db);
}
