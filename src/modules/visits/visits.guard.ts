// The ticket guard of the visits module: a ticket cannot be resolved or cancelled while a visit
// order for it is under way — the order must be archived (交单归档) after the customer's
// confirmation, or cancelled or declined, first.
import { DomainError } from '../../platform/errors.js';
import type { TicketGuard } from '../tickets/index.js';
import { activeOrderOfTicket } from './visits.store.js';

export const visitOrderGuard: TicketGuard = async (tx, ticket, action) => {
  if (action !== 'resolve' && action !== 'cancel') return;
  const order = await activeOrderOfTicket(tx, ticket.id);
  if (order) throw new DomainError('refused', action === 'resolve' ? 'visit.ticket_resolve_blocked' : 'visit.ticket_cancel_blocked', { key: ticket.key, order: order.key, state: order.state });
};
