import type { KnownBlock } from '@slack/types';
import type { Translate } from '../../../platform/i18n.js';
import { section } from '../../../slack/blocks.js';
import type { HomeSection } from '../../../slack/home.js';
import { openTicketsOf } from '../tickets.queries.js';
import type { TicketDeps } from '../tickets.transition.js';
import { ticketList } from './views.js';

/** Home: the user's own open tickets with their SLA clocks. */
export function ticketsHomeSection(tickets: Pick<TicketDeps, 'db'>): HomeSection {
  return async (userId: string, tr: Translate): Promise<KnownBlock[]> => {
    const mine = await openTicketsOf(tickets, userId, 21);
    const blocks = ticketList(tr('ticket.list.heading_mine'), mine.slice(0, 15), tr, mine.length);
    return blocks.length > 0 ? blocks : [section(tr('ticket.list.empty'))];
  };
}
