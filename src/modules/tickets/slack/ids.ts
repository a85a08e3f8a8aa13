// Every action_id, callback_id and block_id of the ticket flows, named once.

export const TICKET_ACTIONS = {
  take: 'ticket.take',
  assign: 'ticket.assign',
  remote_step: 'ticket.remote',
  wait_customer: 'ticket.wait',
  resume: 'ticket.resume',
  resolve: 'ticket.resolve',
  close: 'ticket.close',
  reopen: 'ticket.reopen',
  cancel: 'ticket.cancel',
  /** The consented extension (slack/sla.listeners.ts): technical plan, new committed time and the customer's consent. */
  extend: 'ticket.extend',
  phone: 'ticket.phone',
  /** Handled by the visits module: opens the visit-order form prefilled from the ticket. */
  requestVisit: 'ticket.request_visit',
  /** Handled by the kb module: opens the article form prefilled from the resolved ticket. */
  publishKb: 'ticket.publish_kb',
  customerPick: 'ticket.customer_pick',
} as const;

export const TICKET_VIEWS = {
  create: 'ticket.create',
  assign: 'ticket.assign',
  consent: 'ticket.consent',
  step: 'ticket.step',
  resolve: 'ticket.resolve',
  cancel: 'ticket.cancel',
  extend: 'ticket.extend',
} as const;

export const OPEN_TICKET_SHORTCUT = 'open_ticket';

/** Block ids of the ticket form; the service's field names are the same. */
export const FORM = {
  customer: 'customer',
  newCustomer: 'new_customer',
  site: 'site',
  callerName: 'caller_name',
  callerPhone: 'caller_phone',
  product: 'product',
  category: 'category',
  priority: 'priority',
  title: 'title',
  description: 'description',
  expected: 'expected',
  expectedPreset: 'expected_preset',
  assignee: 'assignee',
  consentedBy: 'consented_by',
  consentMethod: 'consent_method',
  consentedAt: 'consented_at',
  step: 'step',
  result: 'result',
  cause: 'cause',
  fix: 'fix',
  faultCategory: 'fault_category',
  reason: 'reason',
  plan: 'plan',
  committedAt: 'committed_at',
} as const;

/** The element inside every input block has this action id; the block id tells them apart. */
export { INPUT_ACTION as INPUT } from '../../../slack/blocks.js';

/** The outbox key of a ticket's channel message; replies and updates target it. */
export const ticketMessageKey = (ticketId: number) => `ticket:${ticketId}`;
