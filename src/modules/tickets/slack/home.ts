import type { KnownBlock } from '@slack/types';
import type { Db } from '../../../platform/db.js';
import type { Translate } from '../../../platform/i18n.js';
import { section } from '../../../slack/blocks.js';
import type { HomeSection } from '../../home/slack/views.js';
import { listOpenAssignedTo } from '../tickets.store.js';
import { ticketList } from './views.js';

/** Home: the user's own open tickets with their SLA clocks. */
export function ticketsHomeSection(db: Db): HomeSection {
  return async (userId: string, tr: Translate): Promise<KnownBlock[]> => {
    const mine = await listOpenAssignedTo(db, userId, 21);
    const blocks = ticketList(tr('ticket.list.heading_mine'), mine.slice(0, 15), tr, mine.length);
    return blocks.length > 0 ? blocks : [section(tr('ticket.list.empty'))];
  };
}
