// The tickets module's front door (SPEC §3.1, §3.5): opening tickets, every action on them through
// one transition, the SLA sweep and extensions of tickets, the P1 urgent path, and their Slack side.
// Other modules use tickets only through what is exported here.
import './tickets.i18n.js';
import './tickets.sla.i18n.js';

// Deps and the events other modules subscribe to (wired in the composition root).
export {
  calendarOf,
  checkAction,
  prepareAction,
  SYSTEM_ACTOR,
  transition,
  type Step,
  type TicketAfterCreatedHook,
  type TicketChange,
  type TicketCreatedHook,
  type TicketDeps,
  type TicketGuard,
  type TicketNotifier,
} from './tickets.transition.js';
export type { RemoteConsent, RemoteStep, Ticket, TicketEvent, TicketWithCustomer } from './tickets.store.js';

// Pure rules: states, keys, limits.
export { isOpen, parseTicketKey, PRIORITY_ORDER, TICKET_LIMITS, TICKET_STATES, type TicketAction, type TicketDraft, type TicketState } from './tickets.rules.js';

// Use cases.
export {
  assignTicket,
  autoCloseResolved,
  cancelTicket,
  closeTicket,
  findTicket,
  getTicketById,
  logRemoteStep,
  mayReadPhone,
  openTicket,
  recordRemoteConsent,
  reopenTicket,
  resolveTicket,
  resumeTicket,
  revealPhone,
  suggestCustomers,
  takeTicket,
  waitOnCustomer,
  type TicketOrigin,
} from './tickets.service.js';
// Reads for lists, details and Home.
export { latestConsentOf, openTicketsBySla, remoteStepsOf, openTicketsInChannel, openTicketsOf, ticketDetails, type TicketDetails } from './tickets.queries.js';
// Tickets on the SLA: the sweep, the P1 urgent path (a TicketCreatedHook), consented extensions.
export {
  extendTicket,
  sweep as sweepTickets,
  urgentHook,
  validateExtension,
  type ExtensionInput,
  type SlaAlert,
  type SlaDeps,
  type SlaNotifier,
} from './tickets.sla.service.js';
export type { SlaExtension } from './tickets.sla.store.js';
// A row lock other modules take to serialise their own writes about a ticket.
export { lockTicketRow } from './tickets.locks.js';

// Tables (for drizzle-kit, foreign keys and the reports' SQL).
export { remoteConsents, remoteSteps, ticketEvents, tickets } from './tickets.table.js';
export { slaAlerts, slaExtensions } from './tickets.sla.table.js';

// The Slack side.
export { TICKET_ACTIONS, ticketMessageKey } from './slack/ids.js';
export { categoryLabel, createTicketModal, ticketMessage } from './slack/views.js';
export { slackTicketNotifier, ticketPostedHook } from './slack/notifier.js';
export { slackSlaNotifier, ticketLink } from './slack/sla.notifier.js';
export { registerTicketListeners } from './slack/listeners.js';
export { ticketsHomeSection } from './slack/home.js';
